/**
 * backend-to-sync-data through the real engine and Temporal: first run, re-run, incremental run,
 * cutover and rollback after it, a worker killed (kill -9) mid-convert, and a Temporal Schedule
 * that runs the incremental migration when triggered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindId } from '../../activities/backend-to-sync-data';
import { runMigration, sendCommand, startMigration, type StartMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import { entityTypes, sourceTables } from '../../src/sync-data/entity-types';
import { readsSyncData } from '../../src/sync-data/read-switch';
import { mutateSampleData, seedSampleData } from '../../src/sync-data/sample-data';
import type { SourceRow } from '../../src/sync-data/source-rows';
import { transformRecord } from '../../src/sync-data/transform-record';
import { openTestContext, type TestContext } from '../support/harness';
import { recordHistoryIfAsked } from '../support/record-history';
import { spawnWorkerProcess } from '../support/worker-process';
import { count, kind, syncDataChecksum } from './drive-kind';

let t: TestContext;
let worker: Awaited<ReturnType<TestContext['startWorker']>>;

function request(filters: Record<string, unknown>, batchSize = 5): StartMigration {
  return { kind: kindId, scope: kind.scope(filters), taskQueue: t.taskQueue, options: defaultOptions({ batchSize, filters }) };
}

/** key → checksum of what sync_data must hold (live rows) for the backend tables as they are now. */
async function expectedLive(): Promise<Map<string, string>> {
  const good = new Map<string, string>();
  for (const entity of entityTypes) {
    const rows = await t.db.pool.query<SourceRow>(`SELECT * FROM public.${sourceTables[entity]}`);
    for (const row of rows.rows) {
      const r = transformRecord(entity, row);
      if (r.ok) good.set(`${r.userId}|${entity}|${r.entityId}`, r.checksum);
    }
  }
  return good;
}

async function liveRows(): Promise<Map<string, string>> {
  const rows = await t.db.pool.query<{ k: string; checksum: string }>(
    `SELECT user_id || '|' || entity_type || '|' || entity_id AS k, checksum FROM public.sync_data WHERE deleted_at IS NULL`);
  return new Map(rows.rows.map((r) => [r.k, r.checksum]));
}

async function latestRun() {
  const r = await t.db.pool.query('SELECT * FROM public.migration_runs ORDER BY id DESC LIMIT 1');
  return r.rows[0] as { workflow_id: string; status: string; created: number; updated: number; skipped: number; rejected: number; deleted: number };
}

async function sourceCount(): Promise<number> {
  return count(t, 'SELECT (SELECT count(*) FROM logbook_entries) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM practice_sessions) AS n');
}

beforeAll(async () => {
  t = await openTestContext('sync-temporal', { applicationTables: true });
});
afterAll(async () => t?.close());

describe('runs through the engine', () => {
  it('the first run moves every good record and the re-run finds nothing to do and writes nothing', async () => {
    worker = await t.startWorker();
    await seedSampleData(t.db.pool, { users: 5, entries: 300, seed: 21 });
    const first = await runMigration(t.client, request({ recordsPerUnit: 25 }));
    expect(first.progress.phase).toBe('completed');
    expect(await liveRows()).toEqual(await expectedLive());
    const run = await latestRun();
    expect(run.status).toBe('completed');
    expect(run.created + run.rejected).toBe(await sourceCount());
    const sum = await syncDataChecksum(t);
    const runsBefore = await count(t, 'SELECT count(*) AS n FROM public.migration_runs');
    const againHandle = await startMigration(t.client, request({ recordsPerUnit: 25 }));
    const again = await againHandle.result();
    await recordHistoryIfAsked(t.client, againHandle.workflowId, 'nothing-to-do-recorded-by-prepare');
    expect(again.progress.counters.unitsTotal).toBe(0);
    expect(await syncDataChecksum(t)).toBe(sum);
    // Every run is recorded, one that found nothing too.
    expect(await count(t, 'SELECT count(*) AS n FROM public.migration_runs')).toBe(runsBefore + 1);
    const empty = await latestRun();
    expect(empty.status).toBe('completed');
    expect([empty.created, empty.updated, empty.skipped, empty.rejected, empty.deleted]).toEqual([0, 0, 0, 0, 0]);
  });

  it('after a mutation the incremental run updates exactly the changed records', async () => {
    const before = await liveRows();
    const mutation = await mutateSampleData(t.db.pool, 0.05, 4, 5);
    await runMigration(t.client, request({ recordsPerUnit: 25 }));
    const after = await liveRows();
    const expected = await expectedLive();
    const touched = [...after].filter(([k, sum]) => before.get(k) !== sum).map(([k]) => k).sort();
    expect(touched).toEqual([...expected].filter(([k, sum]) => before.get(k) !== sum).map(([k]) => k).sort());
    const run = await latestRun();
    expect(run.created + run.updated + run.skipped + run.rejected).toBe(mutation.changed + mutation.added);
  });

  it('a --full --cutover run marks deletions and flips the read switch; rollback restores sync_data and the switch', async () => {
    const before = await syncDataChecksum(t);
    const filters = { full: true, cutover: true, recordsPerUnit: 25 };
    const done = await runMigration(t.client, request(filters));
    expect(done.progress.phase).toBe('completed');
    expect(await readsSyncData(t.db.pool)).toBe(true);
    expect((await latestRun()).deleted).toBeGreaterThan(0);
    expect(await liveRows()).toEqual(await expectedLive());
    const workflowId = `${kindId}:${kind.scope(filters)}`;
    await sendCommand(t.client, workflowId, 'rollback', 'test');
    const undone = await t.client.workflow.getHandle(workflowId).result();
    expect(undone.progress.phase).toBe('rolled-back');
    expect(await readsSyncData(t.db.pool)).toBe(false);
    expect(await syncDataChecksum(t)).toBe(before);
    expect((await latestRun()).status).toBe('rolled-back');
  });
});

describe('a worker killed mid-convert', () => {
  it('ends with sync_data and migration_runs exactly as an uninterrupted run', async () => {
    await t.db.pool.query('TRUNCATE public.sync_data, public.migration_runs');
    await seedSampleData(t.db.pool, { users: 7, entries: 2000, seed: 31 });
    // The in-process worker is stopped so that the one in the child process is the only poller.
    await worker?.stop();
    // The login role is named "ferry", so "$user" in the default search_path makes a fresh
    // connection resolve unqualified _prisma_migrations to the ferry schema; pin it to public.
    const child = await spawnWorkerProcess(t, { env: { PGOPTIONS: '-c search_path=public' } });
    const handle = await startMigration(t.client, request({ recordsPerUnit: 10 }, 20));
    let migrationId: string | undefined;
    while (!migrationId) {
      const found = await t.db.pool.query<{ id: string }>(`SELECT id FROM ferry.migrations WHERE id LIKE $1 || '#%' AND finished_at IS NULL`, [handle.workflowId]);
      migrationId = found.rows[0]?.id;
      if (!migrationId) await new Promise((r) => setTimeout(r, 10));
    }
    const unitsDone = () => count(t, 'SELECT count(*) AS n FROM ferry.sync_data_history WHERE migration_id = $1', [migrationId]);
    while ((await unitsDone()) < 5) await new Promise((r) => setTimeout(r, 10));
    // Hold the worker inside a unit's transaction, then kill it there.
    const blocker = await t.db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE ferry.sync_data_history IN SHARE MODE');
    const total = await count(t, 'SELECT count(*) AS n FROM ferry.units WHERE migration_id = $1', [migrationId]);
    const doneAtKill = await unitsDone();
    await new Promise((r) => setTimeout(r, 200));
    await child.kill9();
    await blocker.query('COMMIT');
    blocker.release();
    expect(doneAtKill).toBeLessThan(total);
    worker = await t.startWorker();
    const { progress } = await handle.result();
    expect(progress.phase).toBe('completed');
    expect(await liveRows()).toEqual(await expectedLive());
    const run = await latestRun();
    expect(run.status).toBe('completed');
    expect([run.updated, run.skipped, run.deleted]).toEqual([0, 0, 0]);
    expect(run.created).toBe(await count(t, 'SELECT count(*) AS n FROM sync_data'));
    expect(run.created + run.rejected).toBe(await sourceCount());
    expect(await count(t, 'SELECT count(*) AS n FROM sync_data WHERE version <> 1')).toBe(0);
  }, 120_000);
});

describe('weekly schedule', () => {
  it('a Temporal Schedule with the weekly cron runs the incremental migration when triggered', async () => {
    if (!worker || worker.worker.getState() !== 'RUNNING') worker = await t.startWorker();
    await t.db.pool.query('TRUNCATE public.sync_data, public.migration_runs');
    await seedSampleData(t.db.pool, { users: 3, entries: 150, seed: 41 });
    const req = request({});
    const schedule = await t.client.schedule.create({
      scheduleId: `${kindId}-weekly-test`,
      spec: { cronExpressions: ['0 2 * * 0'] },
      policies: { overlap: 'SKIP' },
      action: { type: 'startWorkflow', workflowType: 'migrationWorkflow', taskQueue: t.taskQueue, workflowId: `${kindId}:${req.scope}:scheduled`, args: [{ kind: req.kind, scope: req.scope, options: req.options }] },
    });
    const described = await schedule.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }] });
    expect(described.policies.overlap).toBe('SKIP');
    await schedule.trigger();
    let started: string | undefined;
    while (!started) {
      const info = (await schedule.describe()).info;
      started = [...info.runningActions, ...info.recentActions.map((a) => a.action)][0]?.workflow.workflowId;
      if (!started) await new Promise((r) => setTimeout(r, 100));
    }
    const result = await t.client.workflow.getHandle(started).result();
    expect(result.progress.phase).toBe('completed');
    expect(await liveRows()).toEqual(await expectedLive());
    expect((await latestRun()).status).toBe('completed');
    expect(await readsSyncData(t.db.pool)).toBe(false);
    await schedule.delete();
  }, 60_000);
});
