import { afterAll, beforeAll, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes';
import type { TestContext } from '../support/harness';
import { openTestContext } from '../support/harness';
import { json, runCli } from './run-cli';

const kind = 'backend-to-sync-data';
const id = `${kind}:all`;
let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('cli_e2e', { applicationTables: true });
  await t.startWorker();
});
afterAll(async () => t?.close());

const syncRows = async () => Number((await t.db.pool.query('SELECT count(*) AS n FROM sync_data')).rows[0].n);

it('drives a migration from seed to approval, completion, refusal and rollback', async () => {
  const seeded = await runCli(t, ['seed', kind, '--users', '3', '--entries', '40', '--seed', '7']);
  expect(seeded.code).toBe(0);
  const sources = await t.db.pool.query('SELECT (SELECT count(*) FROM logbook_entries) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM practice_sessions) AS n');
  expect(Number(sources.rows[0].n)).toBeGreaterThan(40);

  const dry = await runCli(t, ['start', kind, '--dry-run', '--watch', '--json']);
  expect(dry.code).toBe(exitCodes.ok);
  expect(await syncRows()).toBe(0);

  const started = await runCli(t, ['start', kind, '--require-approval', '--json']);
  expect(started.code).toBe(0);
  expect(json(started).workflowId).toBe(id);

  const duplicate = await runCli(t, ['start', kind]);
  expect(duplicate.code).toBe(exitCodes.refused);
  expect(duplicate.stderr).toMatch(/"backend-to-sync-data:all" is already running/);

  const waiting = await runCli(t, ['watch', id, '--json']);
  expect(waiting.code, waiting.stdout + waiting.stderr).toBe(exitCodes.paused);
  expect(json(waiting).phase).toBe('awaiting-cutover');

  const status = json<{ phase: string; counters: { unitsTotal: number } }>(await runCli(t, ['status', id, '--json']));
  expect(status.phase).toBe('awaiting-cutover');
  expect(status.counters.unitsTotal).toBeGreaterThan(0);

  const listed = json<Array<{ workflowId: string; kind: string }>>(await runCli(t, ['list', '--kind', kind, '--json']));
  expect(listed.map((row) => row.workflowId)).toContain(id);

  const resume = await runCli(t, ['resume', id]);
  expect(resume.code).toBe(exitCodes.refused);
  expect(resume.stderr).toMatch(/Refused: the migration is not paused/);

  expect((await runCli(t, ['approve', id])).stdout).toMatch(/cutover approved/);
  const done = await runCli(t, ['watch', id, '--json']);
  expect(done.code).toBe(exitCodes.ok);
  expect(json(done).phase).toBe('completed');
  const migrated = await syncRows();
  expect(migrated).toBeGreaterThan(40);

  const rollback = await runCli(t, ['rollback', id, '--reason', 'cli test']);
  expect(rollback.code).toBe(0);
  const undone = await runCli(t, ['watch', id, '--json']);
  expect(undone.code).toBe(exitCodes.rolledBack);
  expect(await syncRows()).toBe(0);

  const missing = await runCli(t, ['status', 'no-such-migration']);
  expect(missing.code).toBe(exitCodes.notFound);
  const usage = await runCli(t, ['start', kind, '--batch-size', 'zero']);
  expect(usage.code).toBe(exitCodes.usage);
});

it('says how to get services when none are configured or running', async () => {
  const result = await runCli(t, ['status', id], { TEMPORAL_ADDRESS: '', DATABASE_URL: '', FERRY_DATA_DIR: t.workDir + '/empty' });
  expect(result.code).toBe(exitCodes.unavailable);
  expect(result.stderr).toMatch(/ferry dev/);
});
