/**
 * Backup step: copies each legacy session into `<id>.backup-<timestamp>` (original bytes, creation
 * and expiry times, original format). A retried step reuses the backup this migration made.
 * Invalid ids are reported (and quarantined) without touching any path. The root is listed once and
 * fsynced once per call (not per session), before any backup is reported as made.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { findBackup, listBackupFiles, writeBackup } from '../../src/chunked/backup-file';
import { exists } from '../../src/chunked/durable-fs';
import { assertSessionId } from '../../src/chunked/session-id';
import { monolithicPath } from '../../src/chunked/session-layout';
import { mapConcurrentSyncing, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { outcomeOfError } from './unit-errors';

export async function backup(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const listed = await listBackupFiles(settings.root);
  return mapConcurrentSyncing(units, unitConcurrency, async (unit, changed): Promise<UnitOutcome> => {
    try {
      const id = assertSessionId(unit.key);
      if (!(await exists(monolithicPath(settings.root, id)))) {
        return { key: unit.key, status: 'skipped', error: { code: 'SESSION_MISSING', message: `Session "${id}" has no monolithic document any more (migrated or deleted since inventory)` } };
      }
      let info = await findBackup(settings.root, id, run.migrationId, listed);
      if (!info) {
        info = await writeBackup({ root: settings.root, id, migrationId: run.migrationId, retentionDays: settings.retentionDays, syncFolder: false });
        changed(settings.root);
      }
      return {
        key: unit.key, status: 'done', bytesRead: info.header.originalBytes, bytesWritten: info.header.originalBytes, checksum: info.header.originalSha256,
        detail: { backupFile: info.file, expiresAt: info.header.expiresAt },
      };
    } catch (error) {
      const outcome = outcomeOfError(unit.key, error, 'skipped');
      if (outcome.error?.code === 'INVALID_SESSION_ID') {
        await run.quarantine([{ unitKey: unit.key, recordRef: `session ${JSON.stringify(unit.key)}`, code: outcome.error.code, reason: outcome.error.message }]);
      }
      return outcome;
    }
  });
}
