/**
 * SHA-256 of rows as PostgreSQL sends them with `COPY (query) TO STDOUT (FORMAT binary)`: the same
 * bytes the loader produced for those rows, so equal digests mean equal values, exactly.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sampleColumns } from './header-map';

/** `limit`, when given, keeps only the first rows (a spot check of a segment's first records). */
export const sampleDigestSql = (where: string, limit?: number) =>
  `COPY (SELECT ${sampleColumns}
   FROM public.run_samples WHERE ${where} ORDER BY id${limitClause(limit)}) TO STDOUT (FORMAT binary)`;
export const eventDigestSql = (where: string, limit?: number) =>
  `COPY (SELECT run_id, recorded_at, level, message FROM public.logger_events WHERE ${where} ORDER BY id${limitClause(limit)}) TO STDOUT (FORMAT binary)`;

function limitClause(limit: number | undefined): string {
  return limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.trunc(limit))}`;
}

/** Digest of a COPY TO statement's output (the statement may not take parameters: COPY cannot). */
export async function digestCopy(pool: pg.Pool, sql: string): Promise<string> {
  const client = await pool.connect();
  try {
    const hash = createHash('sha256');
    const stream = client.query(copyTo(sql));
    for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
    return hash.digest('hex');
  } finally {
    client.release();
  }
}

/** A SQL condition for rows of one run within an id range (integers only, so safe to inline). */
export function idRangeCondition(runId: number, first: string | null, last: string | null): string {
  const check = (value: string) => {
    if (!/^\d+$/.test(value)) throw new Error(`not an id: ${value}`);
    return value;
  };
  if (first === null || last === null) return 'false';
  return `run_id = ${Math.trunc(runId)} AND id BETWEEN ${check(first)} AND ${check(last)}`;
}
