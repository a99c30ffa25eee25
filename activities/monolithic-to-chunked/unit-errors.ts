/** Turns what a step throws for one session into its outcome: bad input is reported, the rest retried. */
import type { UnitOutcome } from '../../src/engine/types';
import { FerryError } from '../../src/errors';

export function outcomeOfError(key: string, error: unknown, status: 'failed' | 'skipped' = 'failed'): UnitOutcome {
  if (error instanceof FerryError && !error.retryable) return { key, status, error: { code: error.code, message: error.message } };
  throw error;
}

/** Units whose earlier step did not finish as "done" are skipped with that step's reason. */
export function notReady(key: string, step: string, entry: { status: string; detail: Record<string, unknown> } | undefined): UnitOutcome | undefined {
  if (entry?.status === 'done') return undefined;
  const earlier = entry?.detail.error as { code: string; message: string } | undefined;
  return {
    key,
    status: 'skipped',
    error: earlier ?? { code: 'NOT_READY', message: `Session "${key}": the ${step} step has not finished for it (${entry?.status ?? 'not run'})` },
  };
}
