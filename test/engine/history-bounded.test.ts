import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestContext } from '../support/harness';
import { recordHistoryIfAsked } from '../support/record-history';
import { copyRowsChecksum } from './copy-rows-kind';
import { engineKinds, openEngineContext, startCopyRows } from './engine-context';

const units = 5_000;
let t: TestContext;
beforeAll(async () => {
  t = await openEngineContext('engine_history', units);
  await t.startWorker({ extraKinds: engineKinds });
});
afterAll(async () => t?.close());

it(`migrates ${units} units with every run's history under 10,000 events (continue-as-new)`, async () => {
  const before = await copyRowsChecksum(t.db.pool);
  const handle = await startCopyRows(t, { batchSize: 10, throttle: { concurrency: 4 } });
  const { progress } = await handle.result();
  expect(progress.phase).toBe('completed');
  expect(progress.counters.unitsTotal).toBe(units);
  const after = await copyRowsChecksum(t.db.pool);
  expect(after.target).toBe(before.source);
  expect(after.sourceRows).toBe(0);

  // Other test files use the same workflow id on their own task queues: count only this file's runs.
  const runs = [];
  for await (const execution of t.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}' AND TaskQueue = '${t.taskQueue}'` })) runs.push(execution.runId);
  expect(runs.length).toBeGreaterThan(1);
  expect(progress.runsSoFar).toBe(runs.length);
  for (const runId of runs) {
    const history = await t.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    expect(history.events?.length ?? 0).toBeLessThan(10_000);
  }
  // Runs are listed newest first.
  await recordHistoryIfAsked(t.client, handle.workflowId, 'continue-as-new-last-run', runs[0]);
  await recordHistoryIfAsked(t.client, handle.workflowId, 'continue-as-new-first-run', runs[runs.length - 1]);
});
