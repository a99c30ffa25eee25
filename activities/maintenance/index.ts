/**
 * Maintenance activities run on a schedule: removing expired session backups of the
 * monolithic-to-chunked kind (never one a migration in progress still needs).
 */
import { cleanupBackups, type CleanupResult } from '../../src/chunked/cleanup-backups';
import type { ActivityDeps } from '../deps';
import { defaultRoot } from '../monolithic-to-chunked/settings';

export interface CleanupInput {
  readonly root?: string;
  readonly olderThanDays: number;
  readonly dryRun?: boolean;
}

export function createMaintenanceActivities({ db, config }: ActivityDeps) {
  return {
    async cleanupSessionBackups(input: CleanupInput): Promise<CleanupResult> {
      return cleanupBackups(db.pool, { root: input.root ?? defaultRoot(config), olderThanDays: input.olderThanDays, dryRun: input.dryRun });
    },
  };
}
