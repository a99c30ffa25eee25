import { existsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendCommand, startMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import { createParquetTelemetryStorage } from '../../src/telemetry';
import { seedTelemetry } from '../../activities/telemetry-to-parquet/seed';
import { openTestContext, type TestContext } from '../support/harness';
import { waitForProgress } from '../support/wait-for';

let t: TestContext;
let good: number[];
let bad: number;
beforeAll(async () => {
  t = await openTestContext('t2p_e2e', { applicationTables: true });
  good = (await seedTelemetry(t.db.pool, { sessions: 2, laps: 3, samples: 150, seed: 7 })).sessionIds;
  const s = await t.db.pool.query<{ id: number }>("INSERT INTO sessions (name) VALUES ('bad input') RETURNING id");
  bad = s.rows[0].id;
  const laps = await t.db.pool.query<{ id: number }>('INSERT INTO laps (session_id, lap_number) SELECT $1, n FROM generate_series(1, 6) n RETURNING id', [bad]);
  const L = laps.rows.map((r) => r.id);
  const q = (sql: string, p: unknown[]) => t.db.pool.query(sql, p);
  // lap 1: kept exactly, with NaN, ±Infinity, -0 and NULL elements
  await q(`INSERT INTO lap_telemetry (session_id, lap_id, lap_number, time, speed, rpm) VALUES ($1, $2, 1, '{0,0.1,0.2,0.3}', '{NaN,Infinity,-Infinity,-0}', '{1,NULL,3,4}')`, [bad, L[0]]);
  await q(`INSERT INTO lap_telemetry (session_id, lap_id, lap_number, time, speed) VALUES ($1, $2, 2, '{0,1,2}', '{5,6}')`, [bad, L[1]]);
  await q(`INSERT INTO lap_telemetry (session_id, lap_id, lap_number, time, speed) VALUES ($1, $2, 3, NULL, '{5,6}')`, [bad, L[2]]);
  await q(`INSERT INTO lap_telemetry (session_id, lap_id, lap_number, time) VALUES ($1, $2, 4, '{0,1}'), ($1, $3, 4, '{0,1,2}')`, [bad, L[3], L[4]]);
  await q(`INSERT INTO telemetry_channels (lap_id, name, data) VALUES ($1, 'boost', '{1.5,2.5,NULL,3.25}'), ($2, 'boost', '{9,9,9}')`, [L[0], L[5]]);
  await q(`INSERT INTO lap_telemetry (session_id, lap_number, time) VALUES (-5, 1, '{0,1}')`, []);
});
afterAll(async () => t?.close());

async function tableChecksum(): Promise<string> {
  const r = await t.db.pool.query<{ a: string; b: string }>(
    `SELECT (SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM lap_telemetry x) AS a, (SELECT md5(string_agg(y::text, '|' ORDER BY id)) FROM telemetry_channels y) AS b`);
  return `${r.rows[0].a}:${r.rows[0].b}`;
}

async function sourceLap(sessionId: number, lapNumber: number): Promise<Record<string, (number | null)[] | null>> {
  const r = await t.db.pool.query(`SELECT t.*, (SELECT json_object_agg(c.name, c.id) FROM telemetry_channels c WHERE c.lap_id = t.lap_id) AS aux FROM lap_telemetry t WHERE session_id = $1 AND lap_number = $2`, [sessionId, lapNumber]);
  const row = r.rows[0];
  const out: Record<string, (number | null)[] | null> = {};
  for (const c of ['time', 'distance', 'lat', 'long', 'speed', 'rpm', 'throttle', 'brake', 'gear', 'steering', 'glat', 'glong']) out[c] = row[c];
  const aux = await t.db.pool.query<{ name: string; data: number[] }>('SELECT name, data FROM telemetry_channels WHERE lap_id = $1', [row.lap_id]);
  for (const a of aux.rows) out[a.name] = a.data;
  return out;
}

it('migrates a seeded database end to end, then rollback after cutover restores every row', async () => {
  const before = await tableChecksum();
  const outDir = path.join(t.workDir, 'telemetry');
  const sources: Record<string, Record<string, (number | null)[] | null>> = {};
  for (const id of good) for (const lap of [1, 2, 3]) sources[`${id}:${lap}`] = await sourceLap(id, lap);
  const sourceBad = await sourceLap(bad, 1);
  const request = { kind: 'telemetry-to-parquet', scope: 'all', taskQueue: t.taskQueue, options: { ...defaultOptions({ batchSize: 2 }), rollbackWindowSeconds: 60 } };
  await t.startWorker();
  const handle = await startMigration(t.client, request);
  const progress = await waitForProgress(handle, (p) => p.phase === 'completed' || p.phase === 'paused' || p.phase === 'failed');
  expect(progress.phase).toBe('completed');

  // files: DuckDB sees the right types, rows and exact values
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const id of good) {
    const file = path.join(outDir, `${id}.parquet`);
    const types = Object.fromEntries((await duck.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRows().map((r) => [r[0], r[1]]));
    expect(types).toMatchObject({ lap_number: 'INTEGER', time: 'DECIMAL(18,2)', speed: 'DECIMAL(18,2)', rpm: 'DECIMAL(18,0)', lat: 'DECIMAL(18,7)', gear: 'DECIMAL(18,0)', oil_temp: 'DECIMAL(18,1)' });
    const groups = (await duck.runAndReadAll(`SELECT row_group_id, row_group_num_rows FROM parquet_metadata('${file}') WHERE path_in_schema = 'lap_number' ORDER BY 1`)).getRows();
    expect(groups).toEqual([[0n, 150n], [1n, 150n], [2n, 150n]]);
    const speeds = (await duck.runAndReadAll(`SELECT speed::DOUBLE FROM '${file}' WHERE lap_number = 2`)).getRows().map((r) => r[0]);
    expect(speeds).toEqual(sources[`${id}:2`].speed);
  }
  // reading one lap returns exactly the source lap
  const store = createParquetTelemetryStorage(outDir);
  for (const id of good) for (const lapNumber of [1, 3]) {
    const lap = (await store.readLap(id, lapNumber))!;
    const src = sources[`${id}:${lapNumber}`];
    for (const [name, values] of Object.entries(src)) {
      const read = lap.points.map((p) => (p[name] === undefined ? null : p[name]));
      expect(read, `${id} lap ${lapNumber} ${name}`).toEqual(values ?? new Array(lap.points.length).fill(null));
    }
  }
  const badLap = (await store.readLap(bad, 1))!;
  expect(badLap.points.map((p) => p.speed)).toEqual(sourceBad.speed);
  expect(Object.is(badLap.points[3].speed, -0)).toBe(true);
  expect(badLap.points.map((p) => p.rpm ?? null)).toEqual([1, null, 3, 4]);
  expect(badLap.points.map((p) => p.boost ?? null)).toEqual([1.5, 2.5, null, 3.25]);

  // cutover archived and deleted the migrated rows only; bad input stays, quarantined with reasons
  const left = await t.db.pool.query<{ session_id: number; lap_number: number }>('SELECT session_id, lap_number FROM lap_telemetry ORDER BY session_id, lap_number');
  expect(left.rows).toEqual([{ session_id: -5, lap_number: 1 }, { session_id: bad, lap_number: 2 }, { session_id: bad, lap_number: 3 }, { session_id: bad, lap_number: 4 }, { session_id: bad, lap_number: 4 }]);
  const orphan = await t.db.pool.query("SELECT data FROM telemetry_channels WHERE name = 'boost' AND data = '{9,9,9}'");
  expect(orphan.rowCount).toBe(1);
  const quarantine = await t.db.pool.query<{ code: string; n: number }>('SELECT code, count(*)::int AS n FROM ferry.quarantine GROUP BY code ORDER BY code');
  expect(quarantine.rows).toEqual([
    { code: 'AUX_ORPHANED', n: 1 }, { code: 'LAP_DUPLICATE_NUMBER', n: 2 }, { code: 'LAP_LENGTH_MISMATCH', n: 1 }, { code: 'LAP_NO_TIME', n: 1 }, { code: 'SESSION_ID_INVALID', n: 1 },
  ]);
  // totals reconcile: samples in = written + quarantined
  const ledger = await t.db.pool.query<{ detail: { samplesIn: number; samplesWritten: number; samplesQuarantined: number } }>("SELECT detail FROM ferry.unit_ledger WHERE step = 'convert'");
  for (const { detail } of ledger.rows) expect(detail.samplesIn).toBe(detail.samplesWritten + detail.samplesQuarantined);
  const badDetail = ledger.rows.map((r) => r.detail).find((d) => d.samplesWritten === 4)!;
  expect(badDetail).toMatchObject({ samplesIn: 4 + 3 + 2 + 2 + 3 + 3, samplesQuarantined: 3 + 2 + 2 + 3 + 3 });
  expect(await tableChecksum()).not.toBe(before);

  // rollback after cutover: rows back byte-identical (same ids), files and archives gone
  await sendCommand(t.client, handle.workflowId, 'rollback', 'test');
  const end = (await handle.result()).progress;
  expect(end.rollbackFailures).toEqual([]);
  expect(end.phase).toBe('rolled-back');
  expect(await tableChecksum()).toBe(before);
  for (const id of [...good, bad]) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(false);
}, 240_000);
