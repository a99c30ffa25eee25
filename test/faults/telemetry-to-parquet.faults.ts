/**
 * Randomized kill -9 rounds for telemetry-to-parquet (`npm run faults`, not part of `npm test`):
 * each round seeds sessions of random shape, starts a migration that waits for approval, and kills
 * the worker process at a random moment up to twice before cutover, once during cutover and once
 * during the rollback after it, a new worker taking over each time. After each stage the data is
 * checked independently of Ferry's own checks: every file read by DuckDB equals the source arrays
 * value for value (float64 bits, NULLs), no temporary file is left, the rows are gone after
 * cutover, and after rollback every row is back byte for byte (ids and arrays) with no duplicate.
 * FERRY_FAULT_ROUNDS (default 3) and FERRY_FAULT_SEED (default 1) set the size and the draw.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrationHandle, sendCommand, startMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import type { Phase } from '../../src/engine/types';
import { seedTelemetry } from '../../activities/telemetry-to-parquet/seed';
import { seededRandom } from '../../src/sample-data/seeded-random';
import { standardChannels } from '../../src/telemetry/types';
import { openTestContext, type TestContext } from '../support/harness';
import { telemetrySourceChecksum } from '../support/telemetry-source';
import { waitForProgress } from '../support/wait-for';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const rounds = Number(process.env.FERRY_FAULT_ROUNDS ?? 3);
const random = seededRandom(Number(process.env.FERRY_FAULT_SEED ?? 1));
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const startedAt = Date.now();
/** Where a round is, as it goes (a round takes a minute or more: each killed activity waits out its heartbeat timeout). */
const log = (line: string) => process.stderr.write(`[faults ${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${line}\n`);

let t: TestContext;
let outDir: string;
beforeAll(async () => {
  t = await openTestContext('faults_t2p', { applicationTables: true });
  outDir = path.join(t.config.dataDir, 'telemetry');
});
afterAll(async () => t?.close());

const sourceChecksum = (ids: readonly number[]) => telemetrySourceChecksum(t.db.pool, ids);

/** Each session's file against the source, value for value, read by DuckDB (not by Ferry's reader). */
async function expectFilesEqualSource(ids: readonly number[]): Promise<void> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const id of ids) {
    const file = path.join(outDir, `${id}.parquet`);
    expect(existsSync(file), file).toBe(true);
    const laps = await t.db.pool.query<Record<string, number[] | null> & { lap_number: number }>(
      `SELECT lap_number, ${standardChannels.map((c) => `"${c}"`).join(', ')} FROM lap_telemetry WHERE session_id = $1 ORDER BY lap_number`, [id]);
    const rows = (await duck.runAndReadAll(`SELECT lap_number, ${standardChannels.map((c) => `"${c}"::DOUBLE`).join(', ')} FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`)).getRows();
    let at = 0;
    for (const lap of laps.rows) {
      const n = lap.time!.length;
      for (let i = 0; i < n; i++, at++) {
        const row = rows[at];
        expect(row?.[0], `session ${id} lap ${lap.lap_number} sample ${i}`).toBe(lap.lap_number);
        standardChannels.forEach((c, k) => {
          const want = lap[c] === null ? null : lap[c]![i];
          if (!Object.is(row[k + 1], want)) expect.fail(`session ${id} lap ${lap.lap_number} ${c}[${i}]: file ${String(row[k + 1])}, source ${String(want)}`);
        });
      }
    }
    expect(rows.length, `rows in ${file}`).toBe(at);
  }
  expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

/**
 * Runs workers until the migration reaches one of `until`, killing the first `kills` of them
 * (kill -9) after a random delay of up to `withinMs`; `command` (an update, which needs a worker
 * to take it) is sent once the first worker is up. Returns the phase reached.
 */
async function driveWithKills(workflowId: string, until: readonly Phase[], kills: number, withinMs: number, command?: () => Promise<unknown>): Promise<Phase> {
  // By id alone: a rollback after the workflow closed is a new run of it.
  const handle = migrationHandle(t.client, workflowId);
  let worker: WorkerProcess | undefined = await spawnWorkerProcess(t);
  try {
    await command?.();
    for (let k = 0; k < kills; k++) {
      const delay = between(0, withinMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
      // (A kill after the phase was reached only means the next worker finds it there.)
      await worker.kill9();
      log(`worker killed ${delay} ms into its turn`);
      worker = undefined;
      worker = await spawnWorkerProcess(t);
    }
    // A killed activity is retried once its heartbeat times out (20 s).
    return (await waitForProgress(handle, (p) => until.includes(p.phase) || p.phase === 'failed' || p.phase === 'paused', 240_000)).phase;
  } finally {
    await worker?.stop();
  }
}

for (let round = 1; round <= rounds; round++) {
  it(`round ${round}: kills before cutover, during cutover and during rollback change no data`, async () => {
    const shape = { sessions: between(1, 3), laps: between(4, 16), samples: between(500, 4000), seed: 100 + round };
    const { sessionIds: ids } = await seedTelemetry(t.db.pool, shape);
    const before = await sourceChecksum(ids);
    const scope = `sessions=${[...ids].sort((a, b) => a - b).join(',')}`;
    const handle = await startMigration(t.client, {
      kind: 'telemetry-to-parquet', scope, taskQueue: t.taskQueue,
      options: defaultOptions({ batchSize: 2, requireApproval: true, filters: { sessions: ids } }),
    });
    const note = JSON.stringify(shape);
    log(`round ${round}: ${note}`);

    expect(await driveWithKills(handle.workflowId, ['awaiting-cutover'], between(1, 2), 2500), note).toBe('awaiting-cutover');
    await expectFilesEqualSource(ids);
    expect(await sourceChecksum(ids)).toEqual(before);

    log('files equal the source');
    expect(await driveWithKills(handle.workflowId, ['completed'], 1, 800, () => sendCommand(t.client, handle.workflowId, 'approve')), note).toBe('completed');
    expect((await sourceChecksum(ids)).rows).toBe(0);
    await expectFilesEqualSource([]);

    log('cut over');
    expect(await driveWithKills(handle.workflowId, ['rolled-back'], 1, 800, () => sendCommand(t.client, handle.workflowId, 'rollback', 'fault round')), note).toBe('rolled-back');
    expect(await sourceChecksum(ids)).toEqual(before);
    for (const id of ids) expect(existsSync(path.join(outDir, `${id}.parquet`))).toBe(false);
    log('rolled back, every row as before');
  }, 900_000);
}
