/**
 * The raw limit of the telemetry benchmarks: the app's telemetry tables read with binary COPY and
 * decoded, nothing else, through the COPY reader convert uses (pg-copy-out.ts, the fastest here:
 * no stream buffering, no joined chunks), on one connection. The tables are settled first (hint
 * bits, statistics, dirty pages), so the passes are not slowed by writes the bulk load left
 * behind and read what the migration reads.
 */
import type pg from 'pg';
import { copyBinaryTuples, float8Array } from '../../src/telemetry/pg-binary-copy';
import { CopyOut } from '../../src/telemetry/pg-copy-out';
import { standardChannels } from '../../src/telemetry/types';

const queries = [`SELECT ${standardChannels.join(', ')} FROM lap_telemetry`, 'SELECT data FROM telemetry_channels'];

/**
 * Reads and decodes `queries` (each narrowed by `where`) on one connection; returns the `time`
 * values decoded. With `onJson`, also gives each array's size as a JSON array.
 */
async function readAll(pool: pg.Pool, where: string, onJson?: (bytes: number) => void): Promise<number> {
  const client = await pool.connect();
  let decoded = 0;
  try {
    for (const sql of queries) {
      // Each tuple is decoded before the next is read, so buffers are reused as convert reuses them.
      for await (const fields of copyBinaryTuples(client.query(new CopyOut(`COPY (${sql} ${where}) TO STDOUT (FORMAT binary)`, { recycle: true })), { reuse: true })) {
        for (let i = 0; i < fields.length; i++) {
          const a = float8Array(fields[i]);
          if (i === 0 && sql === queries[0]) decoded += a?.length ?? 0;
          if (onJson) onJson(a ? JSON.stringify(Array.from(a.column.values)).length : 4);
        }
      }
    }
  } finally {
    client.release();
  }
  return decoded;
}

export interface RawLimit {
  /** Samples (values of `time`) decoded in one pass. */
  readonly samples: number;
  /** The fastest pass, in seconds: the baseline is not flattered by a slow pass. */
  readonly seconds: number;
  /** The same arrays written as JSON arrays, in bytes (when asked for). */
  readonly jsonBytes?: number;
}

export async function measureRawLimit(pool: pg.Pool, passes: number, { jsonSize = false } = {}): Promise<RawLimit> {
  await pool.query('VACUUM (ANALYZE) lap_telemetry, telemetry_channels');
  await pool.query('CHECKPOINT');
  let samples = 0;
  let seconds = Infinity;
  let jsonBytes = 0;
  for (let pass = 0; pass < Math.max(1, passes); pass++) {
    const t0 = performance.now();
    samples = await readAll(pool, '');
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  if (jsonSize) await readAll(pool, '', (bytes) => { jsonBytes += bytes; });
  return { samples, seconds, ...(jsonSize ? { jsonBytes } : {}) };
}

/**
 * The same read split over `connections` connections at once (rows by id modulo), the fastest
 * of `passes`: what PostgreSQL and this process give with the cores shared as the migration
 * shares them (it converts 2 sessions at once, on 2 connections each). For comparison only.
 */
export async function measureParallelRaw(pool: pg.Pool, passes: number, connections: number): Promise<RawLimit> {
  let samples = 0;
  let seconds = Infinity;
  for (let pass = 0; pass < Math.max(1, passes); pass++) {
    const t0 = performance.now();
    const parts = await Promise.all(Array.from({ length: connections }, (_, k) => readAll(pool, `WHERE id % ${connections} = ${k}`)));
    samples = parts.reduce((a, b) => a + b, 0);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { samples, seconds };
}
