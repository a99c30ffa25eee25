import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestContext, type TestContext } from '../support/harness';

let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('smoke');
});
afterAll(async () => t?.close());

it('runs a real workflow whose activity writes a row to PostgreSQL', async () => {
  await t.startWorker();
  const note = `smoke ${Date.now()}`;
  const result = await t.client.workflow.execute('healthCheckWorkflow', {
    taskQueue: t.taskQueue,
    workflowId: `health-check-${Date.now()}`,
    args: [note],
  });
  const rows = await t.db.pool.query('SELECT id::text, note, checked_at FROM ferry.health_checks');
  expect(rows.rows).toHaveLength(1);
  expect(rows.rows[0].note).toBe(note);
  expect(result.id).toBe(rows.rows[0].id);
  expect(new Date(result.checkedAt).getTime()).toBe(new Date(rows.rows[0].checked_at).getTime());
});
