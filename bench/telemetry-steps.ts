/**
 * `npm run bench -- telemetry-steps [--sessions 20 --laps 50 --samples 5000 --seed 1 --concurrency 2 --raw-passes 3 --with-worker]`
 * (default 5,000,000 samples): the telemetry-to-parquet steps called directly, without Temporal,
 * `--concurrency` sessions at a time, each outcome recorded in the unit ledger as the engine
 * records it. Prints each step's rate and its ratio to the raw limit (binary COPY + decode, the
 * fastest of `--raw-passes`), and the CPU seconds PostgreSQL and this process (main thread and
 * the other threads: lap threads, garbage collection, I/O) spent in it. Set beside the
 * telemetry-to-parquet benchmark, it shows what running through Temporal adds; the CPU split shows
 * what bounds a step on a machine with few cores. `--with-worker` starts an idle Temporal worker in
 * this process first, as the telemetry-to-parquet benchmark has.
 */
import path from 'node:path';
import { writeLedger } from '../activities/engine/migration-store';
import { createTelemetryToParquetKind } from '../activities/telemetry-to-parquet';
import { seedTelemetry } from '../activities/telemetry-to-parquet/seed';
import type { UnitRow } from '../src/engine/kind';
import { createStepRun, defaultOptions } from '../src/engine/step-run';
import type { UnitStep } from '../src/engine/types';
import { silentLogger } from '../src/log';
import { startBenchServices } from './support/bench-services';
import { postgresCpu, processCpu } from './support/process-cpu';
import type { BenchResult, Figure } from './support/report';
import { measureRawLimit } from './support/telemetry-raw';

const steps = ['backup', 'convert', 'validate', 'cutover'] as const satisfies readonly UnitStep[];

export default async function bench(args: Record<string, string>): Promise<BenchResult> {
  const p = { sessions: Number(args.sessions ?? 20), laps: Number(args.laps ?? 50), samples: Number(args.samples ?? 5000), seed: Number(args.seed ?? 1) };
  const concurrency = Math.max(1, Number(args.concurrency ?? 2));
  const rawPasses = Math.max(1, Number(args['raw-passes'] ?? 3));
  const services = await startBenchServices();
  try {
    const pool = services.db.pool;
    const { sessionIds } = await seedTelemetry(pool, p);
    const raw = await measureRawLimit(pool, rawPasses);
    const pgCpu = await postgresCpu(pool);
    // An idle worker beside the steps: does its mere presence cost them anything?
    if (args['with-worker'] !== undefined) await services.startWorker();
    const kind = createTelemetryToParquetKind();
    const run = createStepRun({
      migrationId: 'bench-telemetry-steps', kind: kind.id, options: defaultOptions(),
      deps: { db: services.db, config: services.config, log: silentLogger },
    });
    const units: UnitRow[] = sessionIds.map((id, ordinal) => ({ key: `session:${id}`, ordinal, detail: {} }));
    const figures: Figure[] = [{ name: 'raw binary COPY + decode', value: raw.samples / raw.seconds, unit: 'samples/s', note: `${raw.samples} samples, fastest of ${rawPasses} passes` }];
    for (const step of steps) {
      const queue = [...units];
      const pg0 = pgCpu();
      const cpu0 = processCpu();
      const t0 = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        for (let unit = queue.shift(); unit; unit = queue.shift()) {
          const outcomes = await kind[step]!(run, [unit]);
          if (outcomes[0].status !== 'done') throw new Error(`${step} of ${unit.key}: ${outcomes[0].status} ${JSON.stringify(outcomes[0].error)}`);
          await writeLedger(pool, run.migrationId, step, outcomes);
        }
      }));
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = processCpu();
      figures.push({
        name: `${step} step, called directly`, value: raw.samples / seconds, unit: 'samples/s', baseline: 'raw binary COPY + decode',
        note: `${seconds.toFixed(2)} s; CPU s: PostgreSQL ${(pgCpu() - pg0).toFixed(2)}, main thread ${(cpu1.main - cpu0.main).toFixed(2)}, other threads ${(cpu1.others - cpu0.others).toFixed(2)}`,
      });
    }
    return { name: 'telemetry-steps', parameters: { ...p, concurrency, rawPasses, totalSamples: raw.samples, outDir: path.join(services.config.dataDir, 'telemetry') }, figures };
  } finally {
    await services.stop();
  }
}
