/**
 * Per unit, every segment this migration loaded is checked against a fresh parse of the file and
 * against the tables (counts reconcile, checksums of values equal); then the unit's run is read back
 * the way the application will read it.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { segmentsOfMigration } from '../../src/csv-runs/ingest-ledger';
import { readRun } from '../../src/csv-runs/run-reader';
import { verifySegment } from '../../src/csv-runs/verify-segment';
import { failure } from './outcomes';

export async function validate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const outcomes: UnitOutcome[] = [];
  const segments = await segmentsOfMigration(run.deps.db.pool, run.migrationId, { unitKeys: units.map((u) => u.key) });
  for (const unit of units) {
    try {
      const mine = segments.filter((s) => s.unitKey === unit.key);
      const mismatches: string[] = [];
      for (const segment of mine) {
        run.heartbeat({ validate: segment.filePath });
        mismatches.push(...(await verifySegment(run.deps.db.pool, segment)));
      }
      const runId = mine.find((s) => s.runId !== null)?.runId;
      if (runId !== undefined && runId !== null) {
        const readBack = await readRun(run.deps.db.pool, runId);
        const all = await run.deps.db.pool.query<{ samples: number }>('SELECT coalesce(sum(samples), 0)::int AS samples FROM ferry.csv_ingested_files WHERE run_id = $1', [runId]);
        if (!readBack) mismatches.push(`${unit.key}: run ${runId} cannot be read back`);
        else if (readBack.samples !== all.rows[0].samples) mismatches.push(`${unit.key}: run ${runId} reads back ${readBack.samples} samples, ledger says ${all.rows[0].samples}`);
      }
      const checked = mine.reduce((sum, s) => sum + s.linesIngested, 0);
      outcomes.push(mismatches.length > 0
        ? { key: unit.key, status: 'failed', recordsRead: checked, mismatches: mismatches.slice(0, 5), error: { code: 'VALIDATION_MISMATCH', message: mismatches[0] } }
        : { key: unit.key, status: mine.length === 0 ? 'skipped' : 'done', recordsRead: checked, detail: { segments: mine.length } });
    } catch (error) {
      outcomes.push(failure(unit.key, error));
    }
  }
  return outcomes;
}
