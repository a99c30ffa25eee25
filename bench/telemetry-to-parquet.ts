/**
 * `npm run bench -- telemetry-to-parquet [--sessions 20 --laps 50 --samples 5000 --seed 1 --concurrency 2 --batch 2 --raw-passes 3 --raw-connections 2]`
 * (default 5,000,000 samples; batch size and concurrency default to what `ferry start` uses for this kind: 2 and 2). Prints, from one
 * run: (a) the raw limit: the same rows read with binary COPY and decoded, the fastest of
 * `--raw-passes` passes (and, for comparison only, the same read split over `--raw-connections`
 * connections at once); (b) the migration through Temporal: convert phase (start to the first
 * validate batch) and whole run (with validation and cutover), timed from the workflow's history;
 * (c) the same data written by DuckDB (parquet, zstd, all DOUBLE) and as JSON arrays. Sizes
 * compare our files with DuckDB's and with JSON.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import { createTelemetryToParquetKind } from '../activities/telemetry-to-parquet';
import { seedTelemetry } from '../activities/telemetry-to-parquet/seed';
import { startBenchServices } from './support/bench-services';
import { describeSlice, startCpuTimeline } from './support/cpu-timeline';
import { postgresCpu } from './support/process-cpu';
import { stepTimes } from './support/step-times';
import { measureParallelRaw, measureRawLimit } from './support/telemetry-raw';
import type { BenchResult, Figure } from './support/report';

export default async function bench(args: Record<string, string>): Promise<BenchResult> {
  const p = { sessions: Number(args.sessions ?? 20), laps: Number(args.laps ?? 50), samples: Number(args.samples ?? 5000), seed: Number(args.seed ?? 1) };
  const concurrency = Number(args.concurrency ?? 2);
  const batchSize = Number(args.batch ?? createTelemetryToParquetKind().defaultBatchSize);
  const rawPasses = Math.max(1, Number(args['raw-passes'] ?? 3));
  const rawConnections = Math.max(2, Number(args['raw-connections'] ?? 2));
  const parallelRawName = `raw binary COPY + decode, ${rawConnections} connections`;
  const services = await startBenchServices();
  try {
    const pool = services.db.pool;
    await seedTelemetry(pool, p);
    const total = p.sessions * p.laps * p.samples;
    // (a) raw: binary COPY of both tables, decoded; and the JSON-arrays size of the same data
    const raw = await measureRawLimit(pool, rawPasses, { jsonSize: true });
    const parallelRaw = await measureParallelRaw(pool, rawPasses, rawConnections);
    // (b) the migration through Temporal
    const worker = await services.startWorker();
    // Peak worker memory: the worker runs in this process, so its RSS is sampled during the run
    // and reported above the idle RSS measured just before the start (after seeding and (a)).
    (globalThis as { gc?: () => void }).gc?.();
    const idleRss = process.memoryUsage().rss;
    let peakRss = idleRss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);
    const cpu = startCpuTimeline(await postgresCpu(pool));
    const startedAt = Date.now();
    const handle = await startMigration(services.client, { kind: 'telemetry-to-parquet', scope: 'all', taskQueue: services.config.temporal.taskQueue, options: defaultOptions({ batchSize, throttle: { concurrency } }) });
    const { progress } = await handle.result();
    const wholeSeconds = (Date.now() - startedAt) / 1000;
    cpu.stop();
    // Where the time went, from the workflow's history: each step from its first batch to the next step's.
    const { starts, closedAt } = await stepTimes(services.client, handle.workflowId);
    const order = [...starts.entries()].sort((a, b) => a[1] - b[1]);
    const convertSeconds = ((starts.get('validate') ?? closedAt) - startedAt) / 1000;
    const phases = [`start to first batch ${(((order[0]?.[1] ?? closedAt) - startedAt) / 1000).toFixed(1)} s`, ...order.map(([step, at], i) => `${step} ${(((order[i + 1]?.[1] ?? closedAt) - at) / 1000).toFixed(1)} s`)].join(', ');
    // Each step from its first batch to the next step's first batch (the last to the close), with the CPU spent meanwhile.
    const stepFigures: Figure[] = order.map(([step, at], i) => {
      const end = order[i + 1]?.[1] ?? closedAt;
      return { name: `${step} step through Temporal`, value: total / ((end - at) / 1000), unit: 'samples/s', baseline: 'raw binary COPY + decode', note: describeSlice(cpu.slice(at, end)) };
    });
    clearInterval(sampler);
    await worker.stop();
    const dir = path.join(services.config.dataDir, 'telemetry');
    const files = readdirSync(dir).filter((f) => f.endsWith('.parquet')).map((f) => path.join(dir, f));
    const ourBytes = files.reduce((s, f) => s + statSync(f).size, 0);
    // (c) DuckDB: the same rows as DOUBLE columns, parquet with zstd
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const duckFile = path.join(services.workDir, 'duckdb.parquet');
    const cols = (await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${dir}/*.parquet', union_by_name = true)`)).getRows().map((r) => String(r[0]));
    const select = cols.map((c) => (c === 'lap_number' ? c : `CAST("${c}" AS DOUBLE) AS "${c}"`)).join(', ');
    await duck.run(`CREATE TABLE t AS SELECT ${select} FROM read_parquet('${dir}/*.parquet', union_by_name = true)`);
    const t0 = performance.now();
    await duck.run(`COPY t TO '${duckFile}' (FORMAT parquet, COMPRESSION zstd)`);
    const duckSeconds = (performance.now() - t0) / 1000;
    const duckBytes = statSync(duckFile).size;
    const figures: Figure[] = [
      { name: 'raw binary COPY + decode', value: raw.samples / raw.seconds, unit: 'samples/s', note: `${raw.samples} samples, fastest of ${rawPasses} passes` },
      { name: parallelRawName, value: parallelRaw.samples / parallelRaw.seconds, unit: 'samples/s', baseline: 'raw binary COPY + decode', note: `for comparison, no target: the rows split by id over ${rawConnections} connections at once, fastest of ${rawPasses} passes` },
      { name: 'convert phase through Temporal', value: total / convertSeconds, unit: 'samples/s', baseline: 'raw binary COPY + decode', target: { atLeast: 0.5 }, note: 'start to the first validate batch: inventory, backup, convert' },
      { name: 'convert phase vs the parallel read', value: total / convertSeconds, unit: 'samples/s', baseline: parallelRawName },
      { name: 'whole migration (incl. validate, cutover)', value: total / wholeSeconds, unit: 'samples/s', baseline: 'raw binary COPY + decode', target: { atLeast: 0.33 }, note: `${progress.phase}; ${phases}; ${describeSlice(cpu.slice(startedAt, startedAt + wholeSeconds * 1000))}` },
      ...stepFigures,
      { name: 'DuckDB parquet zstd write (from memory)', value: total / duckSeconds, unit: 'samples/s', baseline: 'raw binary COPY + decode' },
      { name: 'JSON arrays size', value: raw.jsonBytes ?? 0, unit: 'bytes' },
      { name: 'DuckDB parquet zstd size', value: duckBytes, unit: 'bytes', baseline: 'JSON arrays size' },
      { name: 'Ferry parquet size', value: ourBytes, unit: 'bytes', baseline: 'JSON arrays size', target: { atMost: 0.25 } },
      { name: 'Ferry parquet size vs DuckDB', value: ourBytes, unit: 'bytes', baseline: 'DuckDB parquet zstd size', target: { atMost: 1 } },
      { name: 'worker peak RSS above idle', value: peakRss - idleRss, unit: 'bytes', note: `idle ${idleRss} bytes; sampled every 20 ms during the migration (worker in this process)` },
    ];
    return { name: 'telemetry-to-parquet', parameters: { ...p, concurrency, batchSize, rawPasses, totalSamples: total }, figures };
  } finally {
    await services.stop();
  }
}
