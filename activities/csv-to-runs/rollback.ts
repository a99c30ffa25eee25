/**
 * Undo from the actual state, never from what a step reported: for each unit, every segment this
 * migration's ledger holds is deleted with its rows (a unit whose load crashed has no segment, since
 * the load was one transaction). Files and the configuration are only ever read, so there is nothing
 * to restore on disk.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { GlobalStep, UnitOutcome, UnitStep } from '../../src/engine/types';
import { disableDbWrites } from '../../src/csv-runs/feature-flag';
import { segmentsOfMigration } from '../../src/csv-runs/ingest-ledger';
import { undoSegments } from '../../src/csv-runs/undo-segments';
import { failure } from './outcomes';
import { csvPaths, fileOfUnit } from './options';

export async function rollback(run: StepRun, units: readonly UnitRow[], step: UnitStep): Promise<UnitOutcome[]> {
  if (step !== 'convert') return units.map((u) => ({ key: u.key, status: 'skipped' as const, detail: { reason: `nothing to undo for ${step}` } }));
  const paths = csvPaths(run.deps.config, run.options.filters);
  const outcomes: UnitOutcome[] = [];
  for (const unit of units) {
    try {
      const report = await undoSegments(run.deps.db.pool, run.migrationId, fileOfUnit(paths, unit.key), ['convert', 'config', 'catch-up']);
      outcomes.push({ key: unit.key, status: report.segments > 0 ? 'done' : 'skipped', recordsWritten: report.samples + report.events, detail: { ...report } });
    } catch (error) {
      outcomes.push(failure(unit.key, error));
    }
  }
  return outcomes;
}

export async function rollbackGlobal(run: StepRun, step: GlobalStep): Promise<void> {
  if (step !== 'finish-cutover') return; // the backup archive is kept: it is the way back for the files
  await disableDbWrites(run.deps.db.pool, `ferry:${run.migrationId}:rollback`);
  const files = new Set((await segmentsOfMigration(run.deps.db.pool, run.migrationId, { steps: ['catch-up'] })).map((s) => s.filePath));
  for (const file of files) await undoSegments(run.deps.db.pool, run.migrationId, file, ['catch-up']);
}
