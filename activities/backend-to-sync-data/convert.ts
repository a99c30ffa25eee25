/**
 * Moves each unit into sync_data: reads its (changed) source records, transforms them, quarantines
 * the ones that cannot be transformed (id and reason), and writes the rest with one set-based
 * statement that also records the undo history — all of a unit in one transaction with its counts
 * in migration_runs. A unit an earlier attempt finished is answered from its history row.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { addCounts, ensureRun } from '../../src/sync-data/migration-runs';
import { convertedCounts, markDeletedUnit, upsertUnit, type UnitCounts } from '../../src/sync-data/sync-writer';
import { syncUnitOf } from '../../src/sync-data/sync-unit';
import { runOptionsOf } from './filters';
import { quarantineEntries, readAndTransform } from './read-unit';
import { inTransaction } from '../../src/db/transaction';
import { inUnitTransaction } from './unit-transaction';

export async function convert(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const pool = run.deps.db.pool;
  const runId = await inTransaction(pool, (client) => ensureRun(client, run.migrationId, runOptionsOf(run.options.filters, { batchSize: run.options.batchSize })));
  const outcomes: UnitOutcome[] = [];
  for (const row of units) {
    const earlier = await convertedCounts(pool, run.migrationId, row.key);
    if (earlier) {
      outcomes.push(outcomeOf(row.key, earlier, undefined));
      continue;
    }
    const unit = syncUnitOf(row.detail);
    if (unit.mode === 'delete') {
      const counts = await inUnitTransaction(pool, run.migrationId, row.key, async (client) => {
        const again = await convertedCounts(client, run.migrationId, row.key);
        if (again) return again;
        const done = await markDeletedUnit(client, run.migrationId, row.key, unit);
        await addCounts(client, runId, done);
        return done;
      });
      outcomes.push(outcomeOf(row.key, counts, counts.deleted));
    } else {
      const transformed = await readAndTransform(run, unit);
      await run.quarantine(quarantineEntries(row, transformed));
      const counts = await inUnitTransaction(pool, run.migrationId, row.key, async (client) => {
        const again = await convertedCounts(client, run.migrationId, row.key);
        if (again) return again;
        const done = await upsertUnit(client, run.migrationId, row.key, unit, transformed.good, transformed.rejects.length);
        await addCounts(client, runId, done);
        return done;
      });
      outcomes.push(outcomeOf(row.key, counts, transformed.read));
    }
    run.heartbeat({ unit: row.key });
  }
  return outcomes;
}

function outcomeOf(key: string, counts: UnitCounts, read: number | undefined): UnitOutcome {
  return {
    key,
    status: 'done',
    recordsRead: read ?? counts.created + counts.updated + counts.skipped + counts.rejected + counts.deleted,
    recordsWritten: counts.created + counts.updated + counts.deleted,
    recordsRejected: counts.rejected,
    detail: { ...counts },
  };
}
