/** Scheduled clean-up of expired session backups (`ferry cleanup-backups --schedule …` creates the Schedule). */
import { proxyActivities } from '@temporalio/workflow';
import type { FerryActivities } from '../activities';
import type { CleanupInput } from '../activities/maintenance';

const { cleanupSessionBackups } = proxyActivities<FerryActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 5 },
});

export async function cleanupBackupsWorkflow(input: CleanupInput) {
  return cleanupSessionBackups(input);
}
