/**
 * Backup step: copies each legacy session into `<id>.backup-<timestamp>` (original bytes, creation
 * and expiry times, original format). A retried step reuses the backup this migration made.
 * Invalid ids are reported (and quarantined) without touching any path.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { findBackup, writeBackup } from '../../src/chunked/backup-file';
import { exists } from '../../src/chunked/durable-fs';
import { assertSessionId } from '../../src/chunked/session-id';
import { monolithicPath } from '../../src/chunked/session-layout';
import { mapConcurrent, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { outcomeOfError } from './unit-errors';

export async function backup(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  return mapConcurrent(units, unitConcurrency, async (unit): Promise<UnitOutcome> => {
    try {
      const id = assertSessionId(unit.key);
      if (!(await exists(monolithicPath(settings.root, id)))) {
        return { key: unit.key, status: 'skipped', error: { code: 'SESSION_MISSING', message: `Session "${id}" has no monolithic document any more (migrated or deleted since inventory)` } };
      }
      const info = (await findBackup(settings.root, id, run.migrationId)) ?? (await writeBackup({ root: settings.root, id, migrationId: run.migrationId, retentionDays: settings.retentionDays }));
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
