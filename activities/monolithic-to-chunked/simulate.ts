/**
 * Dry run: reads each legacy session (streaming) and reports what would be written — backup name,
 * chunk files per array, item counts and bytes — writing nothing anywhere.
 */
import path from 'node:path';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { backupPath } from '../../src/chunked/backup-file';
import { writeChunkedSession } from '../../src/chunked/chunked-writer';
import { assertSessionId } from '../../src/chunked/session-id';
import { mapConcurrent, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { outcomeOfError } from './unit-errors';

export async function simulate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  return mapConcurrent(units, unitConcurrency, async (unit): Promise<UnitOutcome> => {
    try {
      const id = assertSessionId(unit.key);
      const plan = await writeChunkedSession({ root: settings.root, id, migrationId: run.migrationId, planOnly: true, onProgress: (bytesRead) => run.heartbeat({ session: id, bytesRead }) });
      const manifest = plan.metadata.manifest;
      return {
        key: id, status: 'done', recordsRead: plan.records, bytesRead: plan.bytesRead, bytesWritten: plan.bytesWritten,
        detail: {
          wouldWrite: {
            backup: path.basename(backupPath(settings.root, id, new Date())),
            folder: id,
            files: 1 + Object.values(manifest.groups).reduce((n, g) => n + g.chunks.length, 0) + Object.keys(manifest.parts).length,
            chunks: Object.fromEntries(Object.entries(manifest.groups).map(([name, g]) => [name, g.chunks.length])),
            counts: Object.fromEntries(Object.entries(manifest.groups).map(([name, g]) => [name, g.count])),
            bytes: plan.bytesWritten,
          },
        },
      };
    } catch (error) {
      return outcomeOfError(unit.key, error, 'skipped');
    }
  });
}
