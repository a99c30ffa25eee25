/**
 * `npm run bench -- engine [--units 100000] [--batches 1000,10000] [--concurrency 2]`: the
 * engine's own cost. The test kind (copy rows from one table to another) moves the same rows, for
 * each batch size: once with the engine's steps called directly, one range after another at the same
 * concurrency (the baseline), and once through Temporal (workflow, activities, history). The ratio
 * of the two rates is what Temporal costs; the target is an overhead of at most 15% (ratio ≥ 0.85).
 * Temporal adds a roughly fixed latency per activity (tens of milliseconds on a 2-core machine), so
 * the ratio depends on how much work one activity carries: hence several batch sizes.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEngineActivities } from '../activities/engine';
import { startMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import type { UnitStep } from '../src/engine/types';
import { silentLogger } from '../src/log';
import { copyRowsKindId, createCopyRowsTables, kindFactory } from '../test/engine/copy-rows-kind';
import { startBenchServices, type BenchServices } from './support/bench-services';
import type { BenchResult, Figure } from './support/report';

export default async function engineBench(args: Record<string, string>): Promise<BenchResult> {
  const units = Number(args.units ?? 100_000);
  const batches = (args.batches ?? args.batch ?? '1000,10000').split(',').map(Number);
  const concurrency = Number(args.concurrency ?? 2);
  const services = await startBenchServices();
  const worker = await services.startWorker([kindFactory]);
  const figures: Figure[] = [];
  try {
    for (const batchSize of batches) {
      const direct = await runDirect(services, units, batchSize, concurrency);
      const temporal = await runThroughTemporal(services, units, batchSize, concurrency);
      const baseline = `direct, batches of ${batchSize}`;
      figures.push(
        { name: baseline, value: units / direct, unit: 'units/s', note: `${direct.toFixed(2)} s` },
        { name: `through Temporal, batches of ${batchSize}`, value: units / temporal.seconds, unit: 'units/s', baseline, target: { atLeast: 0.85 }, note: `${temporal.seconds.toFixed(2)} s, ${temporal.runs} workflow run(s)` },
      );
    }
  } finally {
    await worker.stop();
    await services.stop();
  }
  return { name: 'engine', parameters: { units, batches, concurrency }, figures };
}

/** Fresh tables with fresh planner statistics before each pass, so every pass starts alike. */
async function freshTables({ db }: BenchServices, units: number): Promise<void> {
  await createCopyRowsTables(db.pool, units);
  await db.pool.query('VACUUM ANALYZE engine_source, engine_target, ferry.units, ferry.unit_ledger');
}

async function runDirect(services: BenchServices, units: number, batchSize: number, concurrency: number): Promise<number> {
  const { db, config } = services;
  await freshTables(services, units);
  const activities = createEngineActivities({ db, config, log: silentLogger }, [kindFactory]);
  const env = new MockActivityEnvironment();
  const ref = { migrationId: `direct-${batchSize}`, kind: copyRowsKindId };
  const options = defaultOptions({ batchSize, throttle: { concurrency } });
  const start = performance.now();
  await env.run(activities.registerMigration, { ...ref, workflowId: ref.migrationId, scope: 'all', options });
  const listed = (await env.run(activities.runInventory, ref)) as { unitsTotal: number };
  for (const step of ['backup', 'convert', 'validate', 'cutover'] as UnitStep[]) {
    const ranges: Array<[number, number]> = [];
    for (let from = 0; from < listed.unitsTotal; from += batchSize) ranges.push([from, Math.min(listed.unitsTotal, from + batchSize)]);
    for (let i = 0; i < ranges.length; i += concurrency) {
      await Promise.all(ranges.slice(i, i + concurrency).map(([from, to]) => env.run(activities.runUnitStep, { ...ref, step, fromOrdinal: from, toOrdinal: to })));
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const moved = Number((await db.pool.query('SELECT count(*) AS n FROM engine_target')).rows[0].n);
  if (moved !== units) throw new Error(`direct pass moved ${moved} of ${units} rows`);
  return seconds;
}

async function runThroughTemporal(services: BenchServices, units: number, batchSize: number, concurrency: number): Promise<{ seconds: number; runs: number }> {
  const { db, config, client } = services;
  await freshTables(services, units);
  const start = performance.now();
  const handle = await startMigration(client, {
    kind: copyRowsKindId, scope: 'all', options: defaultOptions({ batchSize, throttle: { concurrency } }), taskQueue: config.temporal.taskQueue,
  });
  const { progress } = await handle.result();
  const seconds = (performance.now() - start) / 1000;
  const moved = Number((await db.pool.query('SELECT count(*) AS n FROM engine_target')).rows[0].n);
  if (progress.phase !== 'completed' || moved !== units) throw new Error(`Temporal pass ended ${progress.phase} with ${moved} of ${units} rows moved`);
  return { seconds, runs: progress.runsSoFar };
}
