/**
 * When each unit step of a migration began, read from its workflow history after it finished
 * (the first runUnitStep activity scheduled for the step, across continue-as-new runs, followed
 * back from the last run). Timing
 * from the history costs the run nothing, where polling its progress would load the very worker
 * and server being measured.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export interface StepTimes {
  /** Epoch milliseconds at which the first batch of each step was scheduled. */
  readonly starts: ReadonlyMap<string, number>;
  /** Epoch milliseconds at which the last run closed. */
  readonly closedAt: number;
}

const millisOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

export async function stepTimes(client: Client, workflowId: string): Promise<StepTimes> {
  const starts = new Map<string, number>();
  let closedAt = 0;
  for (let runId: string | undefined; ;) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    for (const event of events) {
      const at = millisOf(event.eventTime);
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'runUnitStep' && scheduled.input?.payloads?.[0]) {
        const { step } = defaultPayloadConverter.fromPayload<{ step: string }>(scheduled.input.payloads[0]);
        // Runs are read last to first: an earlier run's first batch replaces a later one's.
        const seen = starts.get(step);
        if (seen === undefined || at < seen) starts.set(step, at);
      }
      closedAt = Math.max(closedAt, at);
    }
    const previous: string | null | undefined = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return { starts, closedAt };
    runId = previous;
  }
}
