/**
 * `npm run bench -- engine [--units 100000] [--batch 1000] [--concurrency 2]`: the engine's own
 * cost. The test kind (copy rows from one table to another) moves the same rows twice in one
 * process: through Temporal (workflow, activities, history), and with the very same engine steps
 * called directly, one range after another at the same concurrency (the baseline). The ratio of
 * the two rates is what Temporal costs; the target is an overhead of at most 15% (ratio ≥ 0.85).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEngineActivities } from '../activities/engine';
import { startMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import type { UnitStep } from '../src/engine/types';
import { silentLogger } from '../src/log';
import { copyRowsKindId, createCopyRowsTables, kindFactory } from '../test/engine/copy-rows-kind';
import { startBenchServices } from './support/bench-services';
import type { BenchResult } from './support/report';

export default async function engineBench(args: Record<string, string>): Promise<BenchResult> {
  const units = Number(args.units ?? 100_000);
  const batchSize = Number(args.batch ?? 1_000);
  const concurrency = Number(args.concurrency ?? 2);
  const services = await startBenchServices();
  try {
    const { db, config, client } = services;
    const options = defaultOptions({ batchSize, throttle: { concurrency } });

    // Baseline: the engine's activities called directly, no Temporal in between.
    await createCopyRowsTables(db.pool, units);
    const activities = createEngineActivities({ db, config, log: silentLogger }, [kindFactory]);
    const env = new MockActivityEnvironment();
    const ref = { migrationId: 'direct', kind: copyRowsKindId };
    const directStart = performance.now();
    await env.run(activities.registerMigration, { ...ref, workflowId: 'direct', scope: 'all', options });
    const listed = (await env.run(activities.runInventory, ref)) as { unitsTotal: number };
    for (const step of ['backup', 'convert', 'validate', 'cutover'] as UnitStep[]) {
      const ranges: Array<[number, number]> = [];
      for (let from = 0; from < listed.unitsTotal; from += batchSize) ranges.push([from, Math.min(listed.unitsTotal, from + batchSize)]);
      for (let i = 0; i < ranges.length; i += concurrency) {
        await Promise.all(ranges.slice(i, i + concurrency).map(([from, to]) => env.run(activities.runUnitStep, { ...ref, step, fromOrdinal: from, toOrdinal: to })));
      }
    }
    const directSeconds = (performance.now() - directStart) / 1000;
    const directMoved = Number((await db.pool.query('SELECT count(*) AS n FROM engine_target')).rows[0].n);

    // Through Temporal.
    await createCopyRowsTables(db.pool, units);
    const worker = await services.startWorker([kindFactory]);
    const temporalStart = performance.now();
    const handle = await startMigration(client, { kind: copyRowsKindId, scope: 'all', options, taskQueue: config.temporal.taskQueue });
    const { progress } = await handle.result();
    const temporalSeconds = (performance.now() - temporalStart) / 1000;
    await worker.stop();
    if (progress.phase !== 'completed' || directMoved !== units || progress.counters.unitsTotal !== units) {
      throw new Error(`benchmark runs did not complete: direct moved ${directMoved}, Temporal ended ${progress.phase} with ${progress.counters.unitsTotal} units`);
    }
    return {
      name: 'engine',
      parameters: { units, batchSize, concurrency, runs: progress.runsSoFar },
      figures: [
        { name: 'direct: engine steps without Temporal', value: units / directSeconds, unit: 'units/s', note: `${directSeconds.toFixed(2)} s` },
        { name: 'through Temporal', value: units / temporalSeconds, unit: 'units/s', baseline: 'direct: engine steps without Temporal', target: { atLeast: 0.85 }, note: `${temporalSeconds.toFixed(2)} s, ${progress.runsSoFar} workflow run(s)` },
      ],
    };
  } finally {
    await services.stop();
  }
}
