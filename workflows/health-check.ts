/** Health check: one workflow, one activity, one row — the smallest proof that all parts connect. */
import { proxyActivities } from '@temporalio/workflow';
import type { FerryActivities } from '../activities';

const { recordHealthCheck } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

export async function healthCheckWorkflow(note: string): Promise<{ id: string; checkedAt: string }> {
  return recordHealthCheck(note);
}
