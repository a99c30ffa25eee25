/**
 * The cutover archive on the real database and real files, steps called one after another: the
 * form that keeps the arrays as the session file (rows rebuilt byte for byte, unusual array
 * headers and NaN payloads included), the whole-rows form where that one's conditions fail, and
 * the refusals that keep rows from being deleted or restored wrongly.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest, type ArchiveManifest } from '../../activities/telemetry-to-parquet/archive';
import { manifestPath } from '../../activities/telemetry-to-parquet/archive-manifest';
import { archiveDirOf } from '../../activities/telemetry-to-parquet/options';
import { seedTelemetry } from '../../activities/telemetry-to-parquet/seed';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { copyStream, float8Field } from '../support/binary-copy';
import { openTestContext, type TestContext } from '../support/harness';
import { stepCalls } from './step-calls';

let t: TestContext;
const { kind, newRun, step } = stepCalls(() => t, 'archive');
beforeAll(async () => { t = await openTestContext('t2p_archive', { applicationTables: true }); });
afterAll(async () => t?.close());

const unitsOf = (id: number): UnitRow[] => [{ key: `session:${id}`, ordinal: 0, detail: {} }];

/** sha256 of the session's rows of both tables exactly as binary COPY sends them (ids, arrays, headers). */
async function rowBytes(sessionId: number): Promise<string> {
  const hash = createHash('sha256');
  const client = await t.db.pool.connect();
  try {
    for (const sql of [
      `COPY (SELECT * FROM lap_telemetry WHERE session_id = ${sessionId} ORDER BY id) TO STDOUT (FORMAT binary)`,
      `COPY (SELECT c.* FROM telemetry_channels c JOIN laps l ON l.id = c.lap_id WHERE l.session_id = ${sessionId} ORDER BY c.id) TO STDOUT (FORMAT binary)`,
    ]) for await (const chunk of client.query(copyStreams.to(sql))) hash.update(chunk as Buffer);
  } finally {
    client.release();
  }
  return hash.digest('hex');
}

const lapCount = async (sessionId: number) =>
  (await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM lap_telemetry WHERE session_id = $1', [sessionId])).rows[0].n;

/**
 * A seeded session plus one lap whose arrays are unusual: lower bound 0, NULL elements, a NaN
 * with payload bits, -0; and an auxiliary channel on it with a lower bound of its own.
 */
async function oddSession(seed: number): Promise<number> {
  const [id] = (await seedTelemetry(t.db.pool, { sessions: 1, laps: 2, samples: 120, seed })).sessionIds;
  const lap = await t.db.pool.query<{ id: number }>('INSERT INTO laps (session_id, lap_number) VALUES ($1, 3) RETURNING id', [id]);
  const lapId = lap.rows[0].id;
  const speed = float8Field([1, 2, 3]);
  Buffer.from('7ff8000000000001', 'hex').copy(speed, 24);
  const int4 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
  const client = await t.db.pool.connect();
  try {
    await pipeline(Readable.from([copyStream([[int4(id), int4(lapId), int4(3), float8Field([0, 0.05, 0.1]), speed]])]),
      client.query(copyStreams.from('COPY lap_telemetry (session_id, lap_id, lap_number, time, speed) FROM STDIN (FORMAT binary)')));
  } finally {
    client.release();
  }
  await t.db.pool.query(`UPDATE lap_telemetry SET rpm = '[0:2]={7000,NULL,7100}', gear = '{-0,1,2}' WHERE lap_id = $1`, [lapId]);
  await t.db.pool.query(`INSERT INTO telemetry_channels (lap_id, name, data) VALUES ($1, 'oil_temp', '[5:7]={90.5,NULL,91}')`, [lapId]);
  return id;
}

async function migrateToCutover(run: StepRun, id: number, beforeCutover?: () => Promise<void>): Promise<UnitOutcome> {
  const units = unitsOf(id);
  await step(run, 'backup', units);
  expect((await step(run, 'convert', units))[0].status).toBe('done');
  expect((await step(run, 'validate', units))[0].status).toBe('done');
  await beforeCutover?.();
  return (await step(run, 'cutover', units))[0];
}

const rollBack = (run: StepRun, id: number) => kind.rollback!(run, unitsOf(id), 'cutover');

it('cutover keeps the arrays as the session file, and rollback rebuilds every row byte for byte', async () => {
  const run = newRun();
  const id = await oddSession(41);
  const before = await rowBytes(id);
  const cut = await migrateToCutover(run, id);
  expect(cut.status).toBe('done');
  expect(await lapCount(id)).toBe(0);
  const manifest = (await readManifest(archiveDirOf(run), id))!;
  expect(manifest.form).toBe('file+fields');
  expect(manifest.files.map((f) => path.basename(f.file)).sort()).toEqual([`${id}.lap_telemetry.fields.pgcopy.br`, `${id}.parquet`, `${id}.telemetry_channels.fields.pgcopy.br`]);
  // Only the odd lap's unusual headers were recorded: rpm (lower bound 0, NULLs), speed (no: no NULLs, bound 1) and oil_temp.
  const odd = manifest.laps!.find(([, lapNumber]) => lapNumber === 3)!;
  expect(Object.keys(odd[3] ?? {}).sort()).toEqual(['oil_temp', 'rpm']);
  expect(manifest.laps!.filter(([, lapNumber]) => lapNumber !== 3).every((l) => l[3] === undefined)).toBe(true);

  const [restored] = await rollBack(run, id);
  expect(restored).toMatchObject({ status: 'done', recordsWritten: 3 });
  expect(await rowBytes(id)).toBe(before);
  for (const f of manifest.files) expect(existsSync(f.file)).toBe(false);
  expect(existsSync(manifestPath(archiveDirOf(run), id))).toBe(false);
});

it('restore refuses, restoring nothing, when a lap rebuilt from the archived file differs from what convert read', async () => {
  const run = newRun();
  const id = await oddSession(42);
  const before = await rowBytes(id);
  expect((await migrateToCutover(run, id)).status).toBe('done');
  const file = manifestPath(archiveDirOf(run), id);
  const good = readFileSync(file, 'utf8');
  const manifest = JSON.parse(good) as { laps: [number, number, string][] };
  manifest.laps[1][2] = `${manifest.laps[1][2].slice(0, -1)}${manifest.laps[1][2].endsWith('0') ? '1' : '0'}`;
  writeFileSync(file, JSON.stringify(manifest));
  await expect(rollBack(run, id)).rejects.toThrow(/lap 2 \(lap_telemetry id \d+\) rebuilt from .* differs from what convert read/);
  expect(await lapCount(id)).toBe(0);
  writeFileSync(file, good);
  await rollBack(run, id);
  expect(await rowBytes(id)).toBe(before);
});

it('cutover archives whole rows when convert recorded no array headers (a record of an earlier version)', async () => {
  const run = newRun();
  const id = await oddSession(43);
  const before = await rowBytes(id);
  const cut = await migrateToCutover(run, id, async () => {
    await t.db.pool.query(`UPDATE ferry.unit_ledger SET detail = detail - 'arrayHeaders' WHERE migration_id = $1 AND step = 'convert'`, [run.migrationId]);
  });
  expect(cut.status).toBe('done');
  const manifest: ArchiveManifest = (await readManifest(archiveDirOf(run), id))!;
  expect(manifest.form).toBe('rows');
  expect(manifest.files.map((f) => path.basename(f.file)).sort()).toEqual([`${id}.lap_telemetry.pgcopy.br`, `${id}.telemetry_channels.pgcopy.br`]);
  await rollBack(run, id);
  expect(await rowBytes(id)).toBe(before);
});

it('cutover refuses, deleting nothing, when the session file changed after convert', async () => {
  const run = newRun();
  const id = await oddSession(44);
  const before = await rowBytes(id);
  const cut = await migrateToCutover(run, id, async () => {
    // One byte of the footer's metadata changed in place: the file still opens, but is not the one validated.
    const fh = await open(path.join(t.workDir, 'telemetry', `${id}.parquet`), 'r+');
    const { size } = await fh.stat();
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, size - 100);
    byte[0] ^= 0x01;
    await fh.write(byte, 0, 1, size - 100);
    await fh.close();
  });
  expect(cut).toMatchObject({ status: 'failed', error: { code: 'TARGET_CHANGED' } });
  expect(cut.error?.message).toMatch(/changed after convert wrote it/);
  expect(await rowBytes(id)).toBe(before);
  expect(await readManifest(archiveDirOf(run), id)).toBeNull();
  expect(existsSync(path.join(archiveDirOf(run), `${id}.parquet`))).toBe(false);
});
