/**
 * Before any unit: records the run in migration_runs ('running', its options and the watermark it
 * starts from) and, when inventory found nothing to do, closes it at once as 'completed'.
 */
import type { StepRun } from '../../src/engine/kind';
import { closeRunIfComplete, currentHighWater, ensureRun, lastWatermark } from '../../src/sync-data/migration-runs';
import { readFilters, runOptionsOf } from './filters';
import { inventory } from './inventory';
import { inTransaction } from '../../src/db/transaction';

export async function prepare(run: StepRun): Promise<Record<string, unknown>> {
  const pool = run.deps.db.pool;
  const filters = readFilters(run.options.filters);
  const since = filters.full ? null : await lastWatermark(pool, filters);
  const runId = await inTransaction(pool, (client) => ensureRun(client, run.migrationId, runOptionsOf(run.options.filters, { batchSize: run.options.batchSize, since })));
  let cursor: string | undefined;
  let hasWork = false;
  do {
    const page = await inventory(run, cursor);
    hasWork = page.units.length > 0;
    cursor = page.nextCursor;
  } while (!hasWork && cursor !== undefined);
  let closed = false;
  if (!hasWork) {
    const watermark = (await currentHighWater(pool, filters)) ?? since;
    closed = await inTransaction(pool, (client) => closeRunIfComplete(client, run.migrationId, watermark));
  }
  return { migrationRunId: runId, since, nothingToDo: closed };
}
