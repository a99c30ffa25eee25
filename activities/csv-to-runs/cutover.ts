/**
 * Cutover, once every unit is validated: lines the logger appended after the inventory (and files
 * it started since) are caught up and checked, the database-write flag is switched on, and the
 * latest run is read back as the runbook's post-cutover check asks. Catch-up loads only bytes past
 * each file's last ingested segment, so nothing is loaded twice however often this runs.
 */
import type { StepRun } from '../../src/engine/kind';
import { setDbWrites } from '../../src/csv-runs/feature-flag';
import { ingestFile } from '../../src/csv-runs/ingest-file';
import { segmentsOfMigration } from '../../src/csv-runs/ingest-ledger';
import { readLatestRun } from '../../src/csv-runs/run-reader';
import { verifySegment } from '../../src/csv-runs/verify-segment';
import { FerryError } from '../../src/errors';
import { listLogFiles } from './inventory';
import { csvPaths, logUnitKey } from './options';

export async function finishCutover(run: StepRun): Promise<Readonly<Record<string, unknown>>> {
  const paths = csvPaths(run.deps.config, run.options.filters);
  const pool = run.deps.db.pool;
  let files = 0;
  let lines = 0;
  for (const file of await listLogFiles(paths.logsDir)) {
    run.heartbeat({ catchUp: file });
    const result = await ingestFile(pool, {
      migrationId: run.migrationId, kind: run.kind, unitKey: logUnitKey(paths.logsDir, file), step: 'catch-up', path: file,
      heartbeat: (detail) => run.heartbeat(detail),
    });
    if (result.status === 'ingested') {
      files++;
      lines += result.segment.linesIngested;
    }
  }
  const mismatches: string[] = [];
  for (const segment of await segmentsOfMigration(pool, run.migrationId, { steps: ['catch-up'] })) mismatches.push(...(await verifySegment(pool, segment)));
  if (mismatches.length > 0) {
    throw new FerryError('VALIDATION_MISMATCH', `caught-up lines do not match their files: ${mismatches.slice(0, 3).join('; ')}`, { retryable: false });
  }
  await setDbWrites(pool, true, `ferry:${run.migrationId}`);
  const latest = await readLatestRun(pool);
  return {
    caughtUpFiles: files, caughtUpLines: lines, flag: 'csv-to-runs.db-writes',
    latestRun: latest ? { id: latest.id, startedAt: latest.startedAt.toISOString(), samples: latest.samples, file: latest.sourceFile } : null,
  };
}
