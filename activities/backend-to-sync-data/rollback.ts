/**
 * Undo. convert: each unit's sync_data rows go back exactly to how they were before this run (from
 * ferry.sync_data_history), the unit's validation mark is dropped, and the run is marked
 * 'rolled-back' in migration_runs. A row a later run changed again is a conflict: that unit is left
 * as it is and reported failed, naming the rows. Other steps wrote nothing to undo.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome, UnitStep } from '../../src/engine/types';
import { markRun } from '../../src/sync-data/migration-runs';
import { restoreUnit } from '../../src/sync-data/sync-history';
import { inUnitTransaction } from './unit-transaction';

class RestoreConflict extends Error {
  constructor(readonly conflicts: readonly string[]) {
    super(conflicts[0]);
  }
}

export async function rollback(run: StepRun, units: readonly UnitRow[], step: UnitStep): Promise<UnitOutcome[]> {
  if (step !== 'convert') return units.map((u) => ({ key: u.key, status: 'done' as const }));
  const pool = run.deps.db.pool;
  const outcomes: UnitOutcome[] = [];
  for (const unit of [...units].reverse()) {
    try {
      const restored = await inUnitTransaction(pool, run.migrationId, unit.key, async (client) => {
        const result = await restoreUnit(client, run.migrationId, unit.key);
        if (result.conflicts.length) throw new RestoreConflict(result.conflicts);
        await client.query('DELETE FROM ferry.sync_data_checks WHERE migration_id = $1 AND unit_key = $2', [run.migrationId, unit.key]);
        return result.restored;
      });
      outcomes.push({ key: unit.key, status: 'done', recordsWritten: restored });
    } catch (error) {
      if (!(error instanceof RestoreConflict)) throw error;
      outcomes.push({
        key: unit.key, status: 'failed', mismatches: error.conflicts,
        error: { code: 'CHANGED_SINCE', message: `cannot undo ${unit.key}: ${error.conflicts.join('; ')}; roll back the later run first` },
      });
    }
    run.heartbeat({ unit: unit.key });
  }
  await markRun(pool, run.migrationId, 'rolled-back');
  return outcomes;
}
