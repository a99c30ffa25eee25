import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase, UnitStep } from '../../src/engine/types';
import { sendCommand } from '../../src/engine/client';
import type { TestContext } from '../support/harness';
import { recordHistoryIfAsked } from '../support/record-history';
import { waitForProgress } from '../support/wait-for';
import { copyRowsChecksum, createCopyRowsTables } from './copy-rows-kind';
import { engineKinds, openEngineContext, startCopyRows } from './engine-context';

let t: TestContext;
beforeAll(async () => {
  t = await openEngineContext('engine_rollback', 120);
  await t.startWorker({ extraKinds: engineKinds });
});
afterAll(async () => t?.close());

interface Case {
  readonly phase: Phase;
  /** The step slowed down so the rollback arrives while it runs. */
  readonly slow?: 'inventory' | UnitStep;
  /** How far the phase must have got before rolling back. */
  readonly when?: (done: number) => boolean;
}

const cases: Case[] = [
  { phase: 'inventory', slow: 'inventory' },
  { phase: 'backup', slow: 'backup', when: (done) => done > 0 },
  { phase: 'convert', slow: 'convert', when: (done) => done >= 40 && done < 120 },
  { phase: 'validate', slow: 'validate', when: (done) => done > 0 },
  { phase: 'awaiting-cutover' },
  { phase: 'completed' },
];

describe('rollback leaves source and target exactly as before the start', () => {
  for (const c of cases) {
    it(`from ${c.phase}`, async () => {
      await createCopyRowsTables(t.db.pool, 120);
      const before = await copyRowsChecksum(t.db.pool);
      const handle = await startCopyRows(t, {
        batchSize: 20,
        throttle: { concurrency: 1 },
        requireApproval: c.phase === 'awaiting-cutover',
        rollbackWindowSeconds: c.phase === 'completed' ? 60 : 0,
        filters: { delayMs: c.slow ? { [c.slow]: 400 } : {} },
      });
      await waitForProgress(handle, (p) => p.phase === c.phase && (c.when?.(p.counters.unitsDone) ?? true));
      await sendCommand(t.client, handle.workflowId, 'rollback', `test from ${c.phase}`);
      const { progress } = await handle.result();
      expect(progress.phase).toBe('rolled-back');
      expect(progress.rollbackReason).toBe(`test from ${c.phase}`);
      expect(await copyRowsChecksum(t.db.pool)).toEqual(before);
      await recordHistoryIfAsked(t.client, handle.workflowId, `rollback-from-${c.phase}`);
    });
  }

  it('after the workflow has closed (a new run undoes the completed one)', async () => {
    await createCopyRowsTables(t.db.pool, 120);
    const before = await copyRowsChecksum(t.db.pool);
    const handle = await startCopyRows(t, { batchSize: 50 });
    expect((await handle.result()).progress.phase).toBe('completed');
    expect((await copyRowsChecksum(t.db.pool)).targetRows).toBe(120);
    await sendCommand(t.client, handle.workflowId, 'rollback', 'undo after close');
    const rerun = t.client.workflow.getHandle(handle.workflowId);
    const result = (await rerun.result()) as { progress: { phase: string } };
    expect(result.progress.phase).toBe('rolled-back');
    expect(await copyRowsChecksum(t.db.pool)).toEqual(before);
  });
});
