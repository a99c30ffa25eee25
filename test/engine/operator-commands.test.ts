import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { MigrationRunningError, sendCommand, setThrottle } from '../../src/engine/client';
import type { TestContext } from '../support/harness';
import { recordHistoryIfAsked } from '../support/record-history';
import { waitForProgress } from '../support/wait-for';
import { copyRowsChecksum, createCopyRowsTables } from './copy-rows-kind';
import { engineKinds, openEngineContext, startCopyRows } from './engine-context';

let t: TestContext;
beforeAll(async () => {
  t = await openEngineContext('engine_commands', 60);
  await t.startWorker({ extraKinds: engineKinds });
});
beforeEach(async () => createCopyRowsTables(t.db.pool, 60));
afterAll(async () => t?.close());

it('pauses at a batch boundary and resumes to the same exact result', async () => {
  const before = await copyRowsChecksum(t.db.pool);
  const handle = await startCopyRows(t, { batchSize: 10, throttle: { concurrency: 1 }, filters: { delayMs: { convert: 300 } } });
  await waitForProgress(handle, (p) => p.phase === 'convert' && p.counters.unitsDone >= 10);
  expect(await sendCommand(t.client, handle.workflowId, 'pause', 'maintenance')).toMatch(/pause requested/);
  const paused = await waitForProgress(handle, (p) => p.phase === 'paused');
  expect(paused.pausedFrom).toBe('convert');
  expect(paused.pauseReason).toBe('maintenance');
  const heldAt = (await copyRowsChecksum(t.db.pool)).targetRows;
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect((await copyRowsChecksum(t.db.pool)).targetRows).toBe(heldAt);
  await expect(sendCommand(t.client, handle.workflowId, 'pause')).rejects.toThrow(/already paused/);
  await sendCommand(t.client, handle.workflowId, 'resume');
  const { progress } = await handle.result();
  expect(progress.phase).toBe('completed');
  const after = await copyRowsChecksum(t.db.pool);
  expect(after.target).toBe(before.source);
  expect(after.sourceRows).toBe(0);
  await recordHistoryIfAsked(t.client, handle.workflowId, 'pause-and-resume');
});

it('refuses approval after a failed validation, with the reason', async () => {
  const handle = await startCopyRows(t, { requireApproval: true, filters: { corruptIds: [7] } });
  const paused = await waitForProgress(handle, (p) => p.phase === 'paused');
  expect(paused.pauseReason).toMatch(/validation failed: 1 of 60 units differ/);
  expect(paused.validation?.mismatches[0]).toMatch(/row 7: payload differs/);
  await expect(sendCommand(t.client, handle.workflowId, 'approve')).rejects.toThrow(/Refused: validation failed for 1 of 60 units/);
  await sendCommand(t.client, handle.workflowId, 'rollback', 'corrupt copy');
  expect((await handle.result()).progress.phase).toBe('rolled-back');
});

it('waits for approval before cutover and cuts over once approved', async () => {
  const handle = await startCopyRows(t, { requireApproval: true });
  await waitForProgress(handle, (p) => p.phase === 'awaiting-cutover');
  expect((await copyRowsChecksum(t.db.pool)).sourceRows).toBe(60);
  expect(await sendCommand(t.client, handle.workflowId, 'approve')).toBe('cutover approved');
  expect((await handle.result()).progress.phase).toBe('completed');
  expect((await copyRowsChecksum(t.db.pool)).sourceRows).toBe(0);
});

it('refuses a second start of the same migration, naming the running one', async () => {
  const handle = await startCopyRows(t, { requireApproval: true });
  await expect(startCopyRows(t)).rejects.toThrow(MigrationRunningError);
  await expect(startCopyRows(t)).rejects.toThrow(/"test-copy-rows:all" is already running/);
  await sendCommand(t.client, handle.workflowId, 'rollback', 'cleanup');
  await handle.result();
});

it('dry run reports what would change and writes nothing', async () => {
  await t.db.pool.query(`UPDATE engine_source SET payload = 'poison' WHERE id = 3`);
  const before = await copyRowsChecksum(t.db.pool);
  const handle = await startCopyRows(t, { dryRun: true });
  const { progress } = await handle.result();
  expect(progress.phase).toBe('completed');
  expect(progress.dryRun).toBe(true);
  expect(progress.counters).toMatchObject({ unitsTotal: 60, unitsDone: 59, unitsFailed: 1, recordsRead: 60, recordsWritten: 59, recordsRejected: 1 });
  expect(await copyRowsChecksum(t.db.pool)).toEqual(before);
  const perUnit = await t.db.pool.query(`SELECT count(*)::int AS n FROM ferry.unit_ledger WHERE migration_id = $1 AND step = 'simulate'`, [progress.migrationId]);
  expect(perUnit.rows[0].n).toBe(60);
});

it('pauses on a failed unit; skip records the reason and the rest completes', async () => {
  await t.db.pool.query(`UPDATE engine_source SET payload = 'poison' WHERE id = 5`);
  const handle = await startCopyRows(t, { batchSize: 10 });
  const paused = await waitForProgress(handle, (p) => p.phase === 'paused');
  expect(paused.pauseReason).toMatch(/convert failed for 1 unit/);
  expect(paused.recentErrors.some((e) => e.unit === 'row-5' && e.code === 'POISON')).toBe(true);
  await sendCommand(t.client, handle.workflowId, 'skip', 'known bad row');
  const { progress } = await handle.result();
  expect(progress.phase).toBe('completed');
  const ledger = await t.db.pool.query(`SELECT status, detail->>'skipReason' AS reason FROM ferry.unit_ledger WHERE migration_id = $1 AND step = 'convert' AND unit_key = 'row-5'`, [progress.migrationId]);
  expect(ledger.rows[0]).toEqual({ status: 'skipped', reason: 'known bad row' });
  await recordHistoryIfAsked(t.client, handle.workflowId, 'unit-failure-skipped');
  const after = await copyRowsChecksum(t.db.pool);
  expect(after.targetRows).toBe(59);
  expect(after.sourceRows).toBe(1);
});

it('rolls back on its own when asked to on failure', async () => {
  const before = await copyRowsChecksum(t.db.pool);
  await t.db.pool.query(`UPDATE engine_source SET payload = 'poison' WHERE id = 50`);
  const poisoned = await copyRowsChecksum(t.db.pool);
  const handle = await startCopyRows(t, { batchSize: 10, onFailure: 'rollback' });
  const { progress } = await handle.result();
  expect(progress.phase).toBe('rolled-back');
  expect(progress.rollbackReason).toMatch(/automatic rollback: convert failed/);
  expect(await copyRowsChecksum(t.db.pool)).toEqual(poisoned);
  expect(before.sourceRows).toBe(60);
});

it('still rolls back when the workflow is cancelled', async () => {
  const before = await copyRowsChecksum(t.db.pool);
  // Slow enough everywhere that the cancellation surely arrives before the migration could finish.
  const handle = await startCopyRows(t, { batchSize: 10, throttle: { concurrency: 1 }, filters: { delayMs: { convert: 300, validate: 300, cutover: 300 } } });
  await waitForProgress(handle, (p) => p.phase === 'convert' && p.counters.unitsDone >= 20);
  await handle.cancel();
  const { progress } = await handle.result();
  expect(progress.phase).toBe('rolled-back');
  expect(progress.rollbackReason).toBe('the workflow was cancelled');
  expect(await copyRowsChecksum(t.db.pool)).toEqual(before);
});

it('changes its throttle while running and refuses a bad one', async () => {
  const handle = await startCopyRows(t, { batchSize: 5, throttle: { concurrency: 1, unitsPerSecond: 20 } });
  await waitForProgress(handle, (p) => p.phase === 'convert');
  await expect(setThrottle(t.client, handle.workflowId, { concurrency: 0 })).rejects.toThrow(/concurrency must be a whole number/);
  expect(await setThrottle(t.client, handle.workflowId, { concurrency: 4, unitsPerSecond: 1000 })).toMatch(/concurrency 4, 1000 units\/s/);
  const { progress } = await handle.result();
  expect(progress.throttle).toEqual({ concurrency: 4, unitsPerSecond: 1000 });
  expect(progress.phase).toBe('completed');
});

it('a re-run of a completed migration finds nothing to do and says so', async () => {
  expect((await (await startCopyRows(t)).result()).progress.phase).toBe('completed');
  const before = await copyRowsChecksum(t.db.pool);
  const { progress } = await (await startCopyRows(t)).result();
  expect(progress.phase).toBe('completed');
  expect(progress.counters.unitsTotal).toBe(0);
  expect(progress.recentErrors.map((e) => e.code)).toContain('NOTHING_TO_DO');
  expect(await copyRowsChecksum(t.db.pool)).toEqual(before);
});
