/**
 * Rollback, per step, from the actual state of the store (a no-op where the step did nothing):
 * - cutover: the monolithic document is restored byte for byte from this migration's backup;
 *   refused (unit failed, BACKUP_EXPIRED / BACKUP_MISSING) when the backup has expired or is gone.
 * - convert: the chunked copy this migration made is removed, only once the original is back.
 * - backup: this migration's backup is removed, only when the original is in place.
 */
import { rm } from 'node:fs/promises';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome, UnitStep } from '../../src/engine/types';
import { findBackup } from '../../src/chunked/backup-file';
import { removeStaleStaging } from '../../src/chunked/chunked-writer';
import { exists } from '../../src/chunked/durable-fs';
import { isValidSessionId } from '../../src/chunked/session-id';
import { monolithicPath } from '../../src/chunked/session-layout';
import { readMetadata } from '../../src/chunked/session-reader';
import { removeChunkedCopy, restoreOriginal } from '../../src/chunked/session-rollback';
import { mapConcurrent, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { outcomeOfError } from './unit-errors';

export async function rollback(run: StepRun, units: readonly UnitRow[], step: UnitStep): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const { root } = settings;
  return mapConcurrent(units, unitConcurrency, async (unit): Promise<UnitOutcome> => {
    const id = unit.key;
    if (!isValidSessionId(id) || step === 'validate' || step === 'simulate') {
      return { key: id, status: 'done', detail: { nothingToUndo: true } };
    }
    try {
      if (step === 'cutover') {
        const metadata = await readMetadata(root, id).catch(() => undefined);
        const madeHere = metadata?.migration.migrationId === run.migrationId;
        if ((await exists(monolithicPath(root, id))) || !madeHere) {
          return { key: id, status: 'done', detail: { restored: false } };
        }
        const { restored } = await restoreOriginal(root, id, { migrationId: run.migrationId });
        return { key: id, status: 'done', detail: { restored } };
      } else if (step === 'convert') {
        await removeStaleStaging(root, id);
        const removed = await removeChunkedCopy(root, id, run.migrationId);
        return { key: id, status: 'done', detail: { removedChunked: removed } };
      } else {
        const own = await findBackup(root, id, run.migrationId);
        if (own && !(await exists(monolithicPath(root, id)))) {
          return { key: id, status: 'failed', error: { code: 'ORIGINAL_MISSING', message: `Session "${id}": backup ${own.file} is kept because the monolithic document is not back in place` } };
        }
        if (own) await rm(own.file, { force: true });
        return { key: id, status: 'done', detail: { removedBackup: own?.file ?? null } };
      }
    } catch (error) {
      return outcomeOfError(id, error);
    }
  });
}
