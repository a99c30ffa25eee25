/**
 * The kind through Temporal on the real services: dry run, --session, re-run, rollback before
 * cutover and after the workflow closed, kill -9 of the worker mid-conversion. Each test works on
 * sessions of its own (the scope, hence the workflow id, names them).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getProgress, migrationHandle, sendCommand, startMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import type { MigrationOptions } from '../../src/engine/types';
import { seedTelemetry } from '../../activities/telemetry-to-parquet/seed';
import { openTestContext, type TestContext, type TestWorker } from '../support/harness';
import { telemetrySourceChecksum } from '../support/telemetry-source';
import { waitForProgress } from '../support/wait-for';
import { spawnWorkerProcess } from '../support/worker-process';

let t: TestContext;
let outDir: string;
beforeAll(async () => {
  t = await openTestContext('t2p_temporal', { applicationTables: true });
  outDir = path.join(t.config.dataDir, 'telemetry');
});
afterAll(async () => t?.close());

const seed = async (sessions: number, laps: number, samples: number, s: number) => (await seedTelemetry(t.db.pool, { sessions, laps, samples, seed: s })).sessionIds;

const sourceChecksum = (ids: readonly number[]) => telemetrySourceChecksum(t.db.pool, ids);

const parquetFiles = () => (existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.parquet') || f.endsWith('.tmp')) : []);
const options = (sessions: readonly number[], over: Partial<MigrationOptions> = {}) => defaultOptions({ batchSize: 2, filters: { sessions }, ...over });
const scopeOf = (sessions: readonly number[]) => `sessions=${[...sessions].sort((a, b) => a - b).join(',')}`;
const start = (sessions: readonly number[], over: Partial<MigrationOptions> = {}) =>
  startMigration(t.client, { kind: 'telemetry-to-parquet', scope: scopeOf(sessions), taskQueue: t.taskQueue, options: options(sessions, over) });

async function withWorker<T>(fn: (w: TestWorker) => Promise<T>): Promise<T> {
  const w = await t.startWorker();
  try { return await fn(w); } finally { await w.stop(); }
}

it('dry run writes nothing and reports per session the file, laps, samples and estimated size', async () => {
  const ids = await seed(2, 3, 400, 11);
  const before = await sourceChecksum(ids);
  const files = parquetFiles();
  const { progress } = await withWorker(async () => (await start(ids, { dryRun: true })).result());
  expect(progress.phase).toBe('completed');
  expect(parquetFiles()).toEqual(files);
  expect(await sourceChecksum(ids)).toEqual(before);
  const report = await t.db.pool.query<{ unit_key: string; detail: Record<string, unknown> }>(
    `SELECT l.unit_key, l.detail FROM ferry.unit_ledger l WHERE l.step = 'simulate' AND l.unit_key = ANY($1) ORDER BY l.unit_key`, [ids.map((id) => `session:${id}`)]);
  expect(report.rows).toHaveLength(2);
  for (const { unit_key, detail } of report.rows) {
    const id = Number(unit_key.slice('session:'.length));
    expect(detail).toMatchObject({ file: path.join(outDir, `${id}.parquet`), laps: 3, samples: 1200, channels: 15, quarantinedLaps: 0 });
    // the estimate is the encoded size of a real lap scaled up: plausible, far below 8 bytes × 15 columns
    expect(detail.estimatedBytes as number).toBeGreaterThan(1200);
    expect(detail.estimatedBytes as number).toBeLessThan(1200 * 15 * 8);
  }
  expect(await t.db.pool.query('SELECT 1 FROM ferry.quarantine')).toMatchObject({ rowCount: 0 });
});

let narrowed: number[];
let all: number[];
let narrowedBefore: Awaited<ReturnType<typeof sourceChecksum>>;
it('--session narrows the inventory to the named sessions', async () => {
  all = await seed(3, 2, 300, 12);
  narrowed = [all[0], all[2]];
  narrowedBefore = await sourceChecksum(narrowed);
  const untouched = await sourceChecksum([all[1]]);
  const handle = await start(narrowed);
  const { progress } = await withWorker(() => handle.result());
  expect(progress.phase).toBe('completed');
  const units = await t.db.pool.query<{ unit_key: string }>(
    'SELECT u.unit_key FROM ferry.units u WHERE u.migration_id = $1 ORDER BY u.ordinal', [progress.migrationId]);
  expect(units.rows.map((r) => r.unit_key)).toEqual(narrowed.map((id) => `session:${id}`));
  for (const id of narrowed) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(true);
  expect(existsSync(path.join(outDir, `${all[1]}.parquet`))).toBe(false);
  expect(await sourceChecksum([all[1]])).toEqual(untouched);
  expect((await sourceChecksum(narrowed)).rows).toBe(0);
});

it('rollback after the workflow has closed restores the rows byte-identical (same ids, same arrays) and removes the files', async () => {
  const workflowId = `telemetry-to-parquet:${scopeOf(narrowed)}`;
  await withWorker(async () => {
    await sendCommand(t.client, workflowId, 'rollback', 'undo after close');
    const { progress } = await migrationHandle(t.client, workflowId).result();
    expect(progress.rollbackFailures).toEqual([]);
    expect(progress.phase).toBe('rolled-back');
  });
  expect(await sourceChecksum(narrowed)).toEqual(narrowedBefore);
  for (const id of narrowed) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(false);
  expect(existsSync(path.join(outDir, 'archive'))).toBe(true);
  // The archive (session file copies, archived columns, manifests) is gone; only its folders stay.
  const left = readdirSync(path.join(outDir, 'archive'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  expect(left).toEqual([]);
});

it('a re-run of a finished migration finds nothing to do and changes nothing', async () => {
  const ids = await seed(1, 2, 200, 13);
  await withWorker(async () => {
    const first = (await (await start(ids, { requireApproval: false })).result()).progress;
    expect(first.phase).toBe('completed');
    // Bytes in: what PostgreSQL sent for 2 laps of 200 samples (at least the 8-byte time values).
    expect(first.counters.bytesRead).toBeGreaterThan(2 * 200 * 8);
    const file = path.join(outDir, `${ids[0]}.parquet`);
    const mtime = (await import('node:fs')).statSync(file).mtimeMs;
    const again = (await (await start(ids)).result()).progress;
    expect(again.phase).toBe('completed');
    expect(again.counters.unitsTotal).toBe(0);
    expect(again.counters.recordsWritten).toBe(0);
    expect((await import('node:fs')).statSync(file).mtimeMs).toBe(mtime);
  });
});

it('rollback before cutover removes the files and leaves the source exact', async () => {
  const ids = await seed(2, 2, 300, 14);
  const before = await sourceChecksum(ids);
  await withWorker(async () => {
    const handle = await start(ids, { requireApproval: true });
    await waitForProgress(handle, (p) => p.phase === 'awaiting-cutover', 90_000);
    for (const id of ids) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(true);
    await sendCommand(t.client, handle.workflowId, 'rollback', 'not approved');
    const { progress } = await handle.result();
    expect(progress.phase).toBe('rolled-back');
    expect(progress.rollbackFailures).toEqual([]);
  });
  for (const id of ids) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(false);
  expect(parquetFiles().filter((f) => ids.some((id) => f.includes(`${id}.parquet`)))).toEqual([]);
  expect(await sourceChecksum(ids)).toEqual(before);
});

it('kill -9 of the worker in the middle of a session’s conversion still ends with every file exact and no duplicate rows', async () => {
  const laps = 30;
  const samples = 4000;
  const ids = await seed(2, laps, samples, 15);
  const child = await spawnWorkerProcess(t);
  const handle = await start(ids, { requireApproval: true });
  // Mid-conversion = a temporary file of one of these sessions exists and has grown past its first laps.
  const deadline = Date.now() + 90_000;
  let caught: string | undefined;
  while (!caught && Date.now() < deadline) {
    for (const name of existsSync(outDir) ? readdirSync(outDir) : []) {
      if (!name.endsWith('.tmp') || !ids.some((id) => name.startsWith(`.${id}.parquet.`))) continue;
      const size = (await import('node:fs')).statSync(path.join(outDir, name), { throwIfNoEntry: false })?.size ?? 0;
      if (size > 20_000) caught = name;
    }
    if (!caught) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(caught).toBeDefined();
  await child.kill9();
  const killedIn = ids.find((id) => caught!.startsWith(`.${id}.parquet.`))!;
  expect(existsSync(path.join(outDir, `${killedIn}.parquet`))).toBe(false); // never a half file under the final name

  await withWorker(async () => {
    await waitForProgress(handle, (p) => p.phase === 'awaiting-cutover' || p.phase === 'paused' || p.phase === 'failed', 120_000);
    const progress = await getProgress(t.client, handle.workflowId);
    expect(progress.phase).toBe('awaiting-cutover');
    expect(progress.validation?.failed ?? 0).toBe(0);
  });
  // No temporary file is left over once the retry has written the session.
  expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp') && ids.some((id) => f.startsWith(`.${id}.`)))).toEqual([]);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const id of ids) {
    const file = path.join(outDir, `${id}.parquet`);
    const perLap = (await duck.runAndReadAll(`SELECT lap_number, count(*)::INT, count(DISTINCT time)::INT FROM '${file}' GROUP BY 1 ORDER BY 1`)).getRows();
    expect(perLap).toEqual(Array.from({ length: laps }, (_, i) => [i + 1, samples, samples]));
    // every value exact: the file against the source arrays, computed by DuckDB from PostgreSQL's own text
    const speeds = await t.db.pool.query<{ speed: number[] }>('SELECT speed FROM lap_telemetry WHERE session_id = $1 AND lap_number = $2', [id, laps]);
    const read = (await duck.runAndReadAll(`SELECT speed::DOUBLE FROM '${file}' WHERE lap_number = ${laps}`)).getRows().map((r) => r[0]);
    expect(read).toEqual(speeds.rows[0].speed);
  }
  const validated = await t.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM ferry.unit_ledger WHERE step = 'validate' AND status = 'done' AND unit_key = ANY($1)", [ids.map((id) => `session:${id}`)]);
  expect(validated.rows[0].n).toBe(2);
  await withWorker(async () => {
    await sendCommand(t.client, handle.workflowId, 'rollback', 'cleanup');
    expect((await handle.result()).progress.phase).toBe('rolled-back');
  });
}, 240_000);

it('cutover refuses a session whose rows changed after backup (an auxiliary channel updated) and deletes nothing', async () => {
  const ids = await seed(1, 2, 200, 16);
  await withWorker(async () => {
    const handle = await start(ids, { requireApproval: true });
    await waitForProgress(handle, (p) => p.phase === 'awaiting-cutover', 90_000);
    await t.db.pool.query(`UPDATE telemetry_channels SET data[1] = data[1] + 1 WHERE id = (SELECT min(c.id) FROM telemetry_channels c JOIN laps l ON l.id = c.lap_id WHERE l.session_id = $1)`, [ids[0]]);
    const changed = await sourceChecksum(ids);
    await sendCommand(t.client, handle.workflowId, 'approve');
    const paused = await waitForProgress(handle, (p) => p.phase === 'paused' || p.phase === 'completed' || p.phase === 'failed', 60_000);
    expect(paused.phase).toBe('paused');
    expect(paused.recentErrors.map((e) => e.code)).toContain('SOURCE_CHANGED');
    expect(await sourceChecksum(ids)).toEqual(changed);
    await sendCommand(t.client, handle.workflowId, 'rollback', 'source changed');
    expect((await handle.result()).progress.phase).toBe('rolled-back');
  });
  expect(existsSync(path.join(outDir, `${ids[0]}.parquet`))).toBe(false);
});
