/**
 * The kind's steps called one after another on the real database and real files (each outcome
 * recorded in the unit ledger as the engine records it): what convert and validate do when the
 * source or the file is not what the earlier steps saw.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeLap, fileChannels } from '../../activities/telemetry-to-parquet/lap-check';
import { seedTelemetry } from '../../activities/telemetry-to-parquet/seed';
import { streamSourceLaps, surveySession } from '../../activities/telemetry-to-parquet/source';
import type { UnitRow } from '../../src/engine/kind';
import { writeSessionFile } from '../../src/telemetry/session-file';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import type { LapColumns } from '../../src/telemetry/types';
import { copyStream, float8Field } from '../support/binary-copy';
import { openTestContext, type TestContext } from '../support/harness';
import { stepCalls } from './step-calls';

let t: TestContext;
const { newRun, step } = stepCalls(() => t, 'steps');
beforeAll(async () => { t = await openTestContext('t2p_steps', { applicationTables: true }); });
afterAll(async () => t?.close());

async function seededSession(seed: number): Promise<{ id: number; units: UnitRow[] }> {
  const [id] = (await seedTelemetry(t.db.pool, { sessions: 1, laps: 3, samples: 200, seed })).sessionIds;
  return { id, units: [{ key: `session:${id}`, ordinal: 0, detail: {} }] };
}

const fileOf = (id: number) => path.join(t.workDir, 'telemetry', `${id}.parquet`);
const speedOfLap2 = `UPDATE lap_telemetry SET speed[5] = speed[5] + 0.25 WHERE session_id = $1 AND lap_number = 2`;

it('convert refuses a session whose laps changed after backup and writes no file', async () => {
  const run = newRun();
  const { id, units } = await seededSession(31);
  await step(run, 'backup', units);
  await t.db.pool.query(speedOfLap2, [id]);
  const [converted] = await step(run, 'convert', units);
  expect(converted.status).toBe('failed');
  expect(converted.error?.code).toBe('SOURCE_CHANGED');
  expect(converted.error?.message).toMatch(/lap 2 \(lap_telemetry id \d+\) changed after backup/);
  expect(existsSync(fileOf(id))).toBe(false);
});

it('validate names the lap, channel, sample and both values when the file differs from the source', async () => {
  const run = newRun();
  const { id, units } = await seededSession(32);
  await step(run, 'backup', units);
  expect((await step(run, 'convert', units))[0].status).toBe('done');
  // Rewrite the file from the source with one value changed (lap 2, speed[7]).
  const survey = await surveySession(t.db.pool, id);
  const channels = fileChannels(survey.auxiliaryChannels);
  const laps: LapColumns[] = [];
  for await (const source of streamSourceLaps(t.db.pool, id)) laps.push(decodeLap(source, channels, source.standard.get('time')!.length));
  const speed = laps[1].channels.get('speed')!;
  const original = speed.values[7];
  speed.values[7] = original + 1;
  const reader = await ParquetSessionReader.open(fileOf(id));
  await reader.close();
  await writeSessionFile(fileOf(id), channels, { async *laps() { for (const lap of laps) yield { lap, absent: [] }; } }, {
    sessionId: id, importedAt: survey.importedAt, sourceType: survey.sourceType, auxiliaryChannels: channels.slice(12),
    extra: Object.fromEntries([...reader.info.keyValue].filter(([k]) => k.startsWith('ferry.'))),
  });
  const [validated] = await step(run, 'validate', units);
  expect(validated.status).toBe('failed');
  expect(validated.error?.code).toBe('VALIDATION_MISMATCH');
  expect(validated.mismatches).toContain(`lap 2 speed[7]: source ${original}, file ${original + 1}`);
  // The file's checksum differs from what convert wrote, and that is said too.
  expect(validated.mismatches?.some((m) => m.includes('differs from the') && m.includes('convert wrote'))).toBe(true);
});

it('validate fails when the source changed after convert, before any cutover can delete it', async () => {
  const run = newRun();
  const { id, units } = await seededSession(33);
  await step(run, 'backup', units);
  await step(run, 'convert', units);
  await t.db.pool.query(speedOfLap2, [id]);
  const [validated] = await step(run, 'validate', units);
  expect(validated.status).toBe('failed');
  expect(validated.mismatches?.[0]).toMatch(/source rows changed since convert \(row versions differ\) in laps 2;/);
});

it('validate reports a file damaged on disk as a mismatch of that session, without failing the step', async () => {
  const run = newRun();
  const { id, units } = await seededSession(35);
  await step(run, 'backup', units);
  await step(run, 'convert', units);
  // Overwrite bytes in the middle of the pages (lap 2's row group): a bad disk, a stray write.
  const fh = await open(fileOf(id), 'r+');
  const { size } = await fh.stat();
  await fh.write(Buffer.alloc(64, 0xa5), 0, 64, Math.floor(size / 2));
  await fh.close();
  const [validated] = await step(run, 'validate', units);
  expect(validated.status).toBe('failed');
  expect(validated.error?.code).toBe('VALIDATION_MISMATCH');
  expect(validated.mismatches?.some((m) => m.includes('convert wrote'))).toBe(true);
  expect(validated.mismatches?.some((m) => /^lap \d+( |:)/.test(m))).toBe(true);
});

it('keeps a NaN with payload bits bit for bit, and validate passes it by checksum', async () => {
  const run = newRun();
  const session = await t.db.pool.query<{ id: number }>("INSERT INTO sessions (name) VALUES ('nan payload') RETURNING id");
  const id = session.rows[0].id;
  // PostgreSQL's own 'NaN' is the canonical quiet NaN; one with other payload bits comes in binary.
  const oddNaN = '7ff8000000000001';
  const speed = float8Field([1, 2]);
  Buffer.from(oddNaN, 'hex').copy(speed, 24);
  const int4 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
  const stream = copyStream([[int4(id), int4(1), float8Field([0, 0.05]), speed]]);
  const client = await t.db.pool.connect();
  try {
    await pipeline(Readable.from([stream]), client.query(copyStreams.from('COPY lap_telemetry (session_id, lap_number, time, speed) FROM STDIN (FORMAT binary)')));
  } finally {
    client.release();
  }
  const units: UnitRow[] = [{ key: `session:${id}`, ordinal: 0, detail: {} }];
  await step(run, 'backup', units);
  expect((await step(run, 'convert', units))[0].status).toBe('done');
  const reader = await ParquetSessionReader.open(fileOf(id));
  const lap = await reader.readLapAt(0);
  await reader.close();
  const bits = Buffer.alloc(8);
  bits.writeDoubleBE(lap.channels.get('speed')!.values[0]);
  expect(bits.toString('hex')).toBe(oddNaN);
  const [validated] = await step(run, 'validate', units);
  expect(validated.status).toBe('done');
  expect(validated.detail?.lapsEqualByValueOnly).toBeUndefined();
});

it('validate passes a lap whose checksum differs but whose values are equal, and lists it', async () => {
  const run = newRun();
  const { units } = await seededSession(36);
  await step(run, 'backup', units);
  await step(run, 'convert', units);
  // As if a reader or writer on the way had changed a NaN's payload bits: the checksum of lap 2 differs.
  await t.db.pool.query(
    `UPDATE ferry.unit_ledger SET detail = jsonb_set(detail, '{laps,1,3}', to_jsonb(left(detail #>> '{laps,1,3}', -1) || 'x'))
     WHERE migration_id = $1 AND step = 'convert'`, [run.migrationId]);
  const [validated] = await step(run, 'validate', units);
  expect(validated.status).toBe('done');
  expect(validated.detail?.lapsEqualByValueOnly).toEqual([2]);
});

it('validate compares every lap with the source when convert recorded checksums of an older form', async () => {
  const run = newRun();
  const { id, units } = await seededSession(37);
  await step(run, 'backup', units);
  await step(run, 'convert', units);
  // An older Ferry's checksums (SHA-256 hex, no scheme prefix) cannot be compared with this one's.
  await t.db.pool.query(
    `UPDATE ferry.unit_ledger SET detail = jsonb_set(detail, '{laps}', (SELECT jsonb_agg(jsonb_set(l, '{3}', to_jsonb(repeat('ab', 32)))) FROM jsonb_array_elements(detail -> 'laps') l))
     WHERE migration_id = $1 AND step = 'convert'`, [run.migrationId]);
  const [validated] = await step(run, 'validate', units);
  expect(validated).toMatchObject({ status: 'done', detail: { lapsChecked: 3, samplesChecked: 600 } });
  expect(validated.detail?.lapsEqualByValueOnly).toBeUndefined();
  // …and that comparison is real: a changed source value is found.
  await t.db.pool.query(speedOfLap2, [id]);
  const [again] = await step(run, 'validate', units);
  expect(again.status).toBe('failed');
});

it('validate passes a file that matches the source, lap by lap', async () => {
  const run = newRun();
  const { units } = await seededSession(34);
  await step(run, 'backup', units);
  await step(run, 'convert', units);
  const [validated] = await step(run, 'validate', units);
  expect(validated).toMatchObject({ status: 'done', recordsRead: 600, detail: { lapsChecked: 3, samplesChecked: 600 } });
});
