/**
 * Cutover step: the chunked session becomes the one the app reads by removing the monolithic
 * document (its backup stays until it expires). Refused for a session whose document changed since
 * it was converted, or whose backup is missing. The root is fsynced once per call, after the removals
 * and before any of them is reported.
 */
import { rm, stat } from 'node:fs/promises';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { ownBackup } from '../../src/chunked/backup-file';
import { exists } from '../../src/chunked/durable-fs';
import { monolithicPath } from '../../src/chunked/session-layout';
import { withSessionLock } from '../../src/chunked/session-lock';
import { readMetadata } from '../../src/chunked/session-reader';
import { mapConcurrentSyncing, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { notReady, outcomeOfError } from './unit-errors';

export async function cutover(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const keys = units.map((u) => u.key);
  const validated = await run.ledger('validate', keys);
  const converted = await run.ledger('convert', keys);
  const backedUp = await run.ledger('backup', keys);
  return mapConcurrentSyncing(units, unitConcurrency, async (unit, changed): Promise<UnitOutcome> => {
    const skip = notReady(unit.key, 'validate', validated.get(unit.key));
    if (skip) return skip;
    const id = unit.key;
    try {
      return await withSessionLock(run.deps.db.pool, id, async (): Promise<UnitOutcome> => {
        const original = monolithicPath(settings.root, id);
        const metadata = await readMetadata(settings.root, id);
        if (!metadata) return { key: id, status: 'failed', error: { code: 'NOT_CONVERTED', message: `Session "${id}" has no chunked form to cut over to` } };
        if (!(await exists(original))) return { key: id, status: 'done', detail: { already: true } };
        const detail = converted.get(id)?.detail ?? {};
        const now = await stat(original);
        if (now.size !== detail.sourceSize || now.mtimeMs !== detail.sourceMtimeMs) {
          return { key: id, status: 'failed', error: { code: 'SOURCE_CHANGED', message: `Session "${id}" was modified after it was converted; run the migration again for it` } };
        }
        const backup = await ownBackup(settings.root, id, run.migrationId, backedUp.get(id)?.detail?.backupFile);
        if (!backup || backup.header.originalSha256 !== metadata.manifest.source.sha256) {
          return { key: id, status: 'failed', error: { code: 'BACKUP_MISSING', message: `Session "${id}" has no backup of the document it was converted from; cutover would make rollback impossible` } };
        }
        await rm(original);
        changed(settings.root);
        return { key: id, status: 'done', detail: { backupFile: backup.file } };
      });
    } catch (error) {
      return outcomeOfError(id, error);
    }
  });
}
