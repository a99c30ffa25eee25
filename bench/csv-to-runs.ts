/**
 * `npm run bench -- csv-to-runs [--lines 2000000] [--files 20] [--insert-sample 20000] [--batch 2] [--concurrency 2] [--seed 1] [--bad-rate 0]`
 *
 * From one run, over the same seeded logs:
 * - end-to-end lines/s of a whole migration through Temporal (backup archive, parse, COPY, full
 *   validation by checksum, cutover);
 * - a raw `COPY FROM STDIN (FORMAT csv)` of the same files into a table of text columns with no
 *   constraints or indexes (the database's limit), and the ratio to it (target ≥ 0.5);
 * - the loaded rows, already in binary form, copied into a table with run_samples' key and index:
 *   the ceiling for any loader of the real table (as many streams as `--concurrency`), and its ratio
 *   to the raw COPY;
 * - single-row INSERTs into run_samples in one transaction on a sample of lines, extrapolated to all
 *   lines, and the ratio of the migration to it (target ≥ 30).
 * Broken lines are off by default (`--bad-rate`), since the raw COPY baseline stops at the first one.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { csvScope } from '../activities/csv-to-runs/options';
import { listLogFiles } from '../activities/csv-to-runs/inventory';
import { mapHeader, sampleColumns } from '../src/csv-runs/header-map';
import { seedLogs } from '../src/csv-runs/seed-logs';
import { formatMicros, parseTimestampMicros } from '../src/csv-runs/timestamp';
import { runMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import { startBenchServices } from './support/bench-services';
import type { BenchResult, Figure } from './support/report';

export default async function bench(args: Record<string, string>): Promise<BenchResult> {
  const lines = Number(args.lines ?? 2_000_000);
  const files = Number(args.files ?? 20);
  const sample = Number(args['insert-sample'] ?? 20_000);
  const batchSize = Number(args.batch ?? 2);
  const concurrency = Number(args.concurrency ?? 2);
  const seed = Number(args.seed ?? 1);
  const badRate = Number(args['bad-rate'] ?? 0);
  const services = await startBenchServices();
  try {
    const base = `${services.config.dataDir}/csv-to-runs`;
    const filters = { logs: `${base}/logs`, config: `${base}/config.json`, backupDir: `${base}/backups` };
    const seeded = await seedLogs({ logsDir: filters.logs, configPath: filters.config, files, rows: Math.ceil(lines / files), seed, badRate });
    const paths = await listLogFiles(filters.logs);
    const pool = services.db.pool;

    // The limit: the files as they are, through COPY's own CSV parser, into unconstrained text columns.
    await pool.query(`CREATE TABLE bench_raw (${Array.from({ length: 16 }, (_, i) => `c${i + 1} text`).join(', ')})`);
    let started = performance.now();
    for (const file of paths) {
      const header = (await readFirstLine(file)).split(',').length;
      const client = await pool.connect();
      try {
        const columns = Array.from({ length: header }, (_, i) => `c${i + 1}`).join(', ');
        await pipeline(createReadStream(file), client.query(copyFrom(`COPY bench_raw (${columns}) FROM STDIN (FORMAT csv, HEADER true)`)));
      } finally {
        client.release();
      }
    }
    const rawSeconds = (performance.now() - started) / 1000;
    await pool.query('DROP TABLE bench_raw');

    // The migration, end to end through Temporal, validation included.
    const worker = await services.startWorker();
    started = performance.now();
    const { progress } = await runMigration(services.client, {
      kind: 'csv-to-runs', scope: csvScope(filters), taskQueue: services.config.temporal.taskQueue,
      options: defaultOptions({ batchSize, throttle: { concurrency }, filters }),
    });
    const migrateSeconds = (performance.now() - started) / 1000;
    await worker.stop();
    if (progress.phase !== 'completed') throw new Error(`migration ended in phase ${progress.phase}: ${JSON.stringify(progress.recentErrors)}`);

    // The table's own limit: the loaded rows, already in binary COPY form, copied into a table with
    // run_samples' primary key and index. No loader of this table can go faster on this machine.
    const indexed = await indexedTableCopy(pool, concurrency);

    // Single-row INSERTs, one transaction, on a sample of the first file's lines.
    const insertSeconds = await singleRowInserts(pool, paths[0], sample);
    const insertRate = Math.min(sample, seeded.lines) / insertSeconds;

    const figures: Figure[] = [
      { name: 'raw COPY FROM STDIN (csv, no constraints)', value: seeded.lines / rawSeconds, unit: 'lines/s', note: `${rawSeconds.toFixed(1)} s` },
      { name: 'single-row INSERT (one transaction)', value: insertRate, unit: 'lines/s', note: `${Math.min(sample, seeded.lines)} lines measured; all lines would take ${(seeded.lines / insertRate).toFixed(0)} s` },
      { name: 'binary COPY into a table like run_samples (its key and index)', value: indexed.rows / indexed.seconds, unit: 'lines/s', baseline: 'raw COPY FROM STDIN (csv, no constraints)', note: `${indexed.rows} rows already in binary form, ${concurrency} stream(s), ${indexed.seconds.toFixed(1)} s: the ceiling for any loader of this table` },
      { name: 'migration through Temporal (with validation)', value: seeded.lines / migrateSeconds, unit: 'lines/s', baseline: 'raw COPY FROM STDIN (csv, no constraints)', target: { atLeast: 0.5 }, note: `${migrateSeconds.toFixed(1)} s, ${progress.counters.unitsDone} units` },
      { name: 'migration vs single-row INSERT', value: seeded.lines / migrateSeconds, unit: 'lines/s', baseline: 'single-row INSERT (one transaction)', target: { atLeast: 30 } },
    ];
    return { name: 'csv-to-runs', parameters: { lines: seeded.lines, files, sample, batchSize, concurrency, seed, badRate }, figures };
  } finally {
    await services.stop();
  }
}

async function readFirstLine(file: string): Promise<string> {
  const text = (await readFile(file)).subarray(0, 4096).toString('utf8');
  return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
}

/**
 * Times a binary COPY of every run_samples row (read out beforehand) into an empty table with the
 * same key and index, over `streams` connections at once (as many as the migration's concurrency).
 */
async function indexedTableCopy(pool: import('pg').Pool, streams: number): Promise<{ rows: number; seconds: number }> {
  const parts: Buffer[][] = [];
  for (let k = 0; k < streams; k++) {
    const client = await pool.connect();
    try {
      const chunks: Buffer[] = [];
      const sql = `COPY (SELECT ${sampleColumns} FROM public.run_samples WHERE id % ${streams} = ${k} ORDER BY id) TO STDOUT (FORMAT binary)`;
      for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) chunks.push(chunk);
      parts.push(chunks);
    } finally {
      client.release();
    }
  }
  await pool.query('CREATE TABLE bench_indexed (LIKE public.run_samples INCLUDING ALL)');
  const started = performance.now();
  await Promise.all(parts.map(async (chunks) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY bench_indexed (${sampleColumns}) FROM STDIN (FORMAT binary)`)));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const rows = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_indexed')).rows[0].n;
  await pool.query('DROP TABLE bench_indexed');
  return { rows, seconds };
}

async function singleRowInserts(pool: import('pg').Pool, file: string, sample: number): Promise<number> {
  const records = parse(await readFile(file), { bom: true, relax_column_count: true, to_line: sample + 1 }) as string[][];
  const header = mapHeader(records[0], file);
  const rows = records.slice(1);
  const client = await pool.connect();
  try {
    const run = await client.query<{ id: number }>("INSERT INTO public.runs (started_at, status) VALUES (now(), 'bench') RETURNING id");
    const runId = run.rows[0].id;
    const started = performance.now();
    await client.query('BEGIN');
    for (const fields of rows) {
      const micros = parseTimestampMicros(fields[header.timestamp]);
      const values = header.readings.map((i) => (i < 0 || fields[i] === '' || !Number.isFinite(+fields[i]) ? null : +fields[i]));
      await client.query(
        `INSERT INTO public.run_samples (${sampleColumns})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [runId, micros === null ? null : formatMicros(micros), ...values],
      );
    }
    await client.query('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    await client.query('DELETE FROM public.run_samples WHERE run_id = $1', [runId]);
    await client.query('DELETE FROM public.runs WHERE id = $1', [runId]);
    return seconds;
  } finally {
    client.release();
  }
}
