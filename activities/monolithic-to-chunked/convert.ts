/**
 * Convert step: writes each backed-up session in the chunked layout, atomically and streaming
 * (see src/chunked/chunked-writer.ts), under the session's advisory lock so an on-demand migration
 * of the same session cannot interleave. A malformed document is reported with its id and reason,
 * quarantined and left untouched (the backup made for it is removed); the batch goes on. The folders
 * holding the sessions' final renames are fsynced once per call, before any session is reported.
 */
import { rm } from 'node:fs/promises';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { FerryError } from '../../src/errors';
import { ownBackup } from '../../src/chunked/backup-file';
import { stagingRoot } from '../../src/chunked/session-layout';
import { writeChunkedSession } from '../../src/chunked/chunked-writer';
import { withSessionLock } from '../../src/chunked/session-lock';
import { mapConcurrentSyncing, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { notReady, outcomeOfError } from './unit-errors';

const badInput = new Set(['INVALID_JSON', 'MALFORMED_SESSION']);

export async function convert(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const backups = await run.ledger('backup', units.map((u) => u.key));
  return mapConcurrentSyncing(units, unitConcurrency, async (unit, changed): Promise<UnitOutcome> => {
    const skip = notReady(unit.key, 'backup', backups.get(unit.key));
    if (skip) return skip;
    const id = unit.key;
    try {
      const result = await withSessionLock(run.deps.db.pool, id, () =>
        writeChunkedSession({
          root: settings.root, id, migrationId: run.migrationId, syncParents: false,
          onProgress: (bytesRead) => run.heartbeat({ session: id, bytesRead }),
        }),
      );
      if (result.status === 'written') {
        changed(settings.root);
        changed(stagingRoot(settings.root));
      }
      const manifest = result.metadata.manifest;
      return {
        key: id, status: 'done', recordsRead: result.records, recordsWritten: result.records, bytesRead: result.bytesRead, bytesWritten: result.bytesWritten,
        checksum: manifest.source.sha256,
        detail: {
          chunks: Object.values(manifest.groups).reduce((n, g) => n + g.chunks.length, 0),
          counts: Object.fromEntries(Object.entries(manifest.groups).map(([name, g]) => [name, g.count])),
          sourceSize: result.sourceStat.size, sourceMtimeMs: result.sourceStat.mtimeMs, written: result.status,
        },
      };
    } catch (error) {
      if (error instanceof FerryError && badInput.has(error.code)) {
        await run.quarantine([{ unitKey: id, recordRef: `session ${id}`, code: error.code, reason: error.message }]);
        const own = await ownBackup(settings.root, id, run.migrationId, backups.get(id)?.detail?.backupFile);
        if (own) await rm(own.file, { force: true });
        return { key: id, status: 'skipped', recordsRejected: 1, error: { code: error.code, message: error.message } };
      }
      return outcomeOfError(id, error);
    }
  });
}
