import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestContext } from '../support/harness';
import { copyRowsChecksum } from './copy-rows-kind';
import { engineKinds, openEngineContext, startCopyRows } from './engine-context';

let t: TestContext;
beforeAll(async () => {
  t = await openEngineContext('engine_e2e', 300);
  await t.startWorker({ extraKinds: engineKinds });
});
afterAll(async () => t?.close());

it('moves every row and reports exact counts', async () => {
  const before = await copyRowsChecksum(t.db.pool);
  const handle = await startCopyRows(t, { batchSize: 40 });
  const { progress } = await handle.result();
  expect(progress.phase).toBe('completed');
  expect(progress.counters.unitsTotal).toBe(300);
  const after = await copyRowsChecksum(t.db.pool);
  expect(after.sourceRows).toBe(0);
  expect(after.targetRows).toBe(300);
  expect(after.target).toBe(before.source);
});
