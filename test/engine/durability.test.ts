import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMigration } from '../../src/engine/client';
import { silentLogger } from '../../src/log';
import { freePort } from '../../src/runtime/free-port';
import { startTemporalDevServer } from '../../src/runtime/temporal-server';
import { createFerryWorker } from '../../src/worker/create-worker';
import type { TestContext } from '../support/harness';
import { waitForProgress } from '../support/wait-for';
import { spawnWorkerProcess } from '../support/worker-process';
import { copyRowsChecksum, createCopyRowsTables } from './copy-rows-kind';
import { copyRowsKindModule, copyRowsRequest, engineKinds, openEngineContext, startCopyRows } from './engine-context';

let t: TestContext;
beforeAll(async () => {
  t = await openEngineContext('engine_durability', 400);
});
afterAll(async () => t?.close());

it('kill -9 of the worker mid-convert: a new worker finishes with the exact result', async () => {
  await createCopyRowsTables(t.db.pool, 400);
  const before = await copyRowsChecksum(t.db.pool);
  const first = await spawnWorkerProcess(t, { kindModules: [copyRowsKindModule] });
  const handle = await startCopyRows(t, { batchSize: 20, throttle: { concurrency: 2 }, filters: { delayMs: { convert: 250 } } });
  await waitForProgress(handle, (p) => p.phase === 'convert' && p.counters.unitsDone >= 100);
  await first.kill9();
  const second = await spawnWorkerProcess(t, { kindModules: [copyRowsKindModule] });
  try {
    const { progress } = await handle.result();
    expect(progress.phase).toBe('completed');
    expect(progress.counters.unitsTotal).toBe(400);
    const after = await copyRowsChecksum(t.db.pool);
    expect(after.target).toBe(before.source);
    expect(after.targetRows).toBe(400);
    expect(after.sourceRows).toBe(0);
  } finally {
    await second.stop();
  }
});

it('a restarted Temporal server picks the migration up where it was', async () => {
  await createCopyRowsTables(t.db.pool, 400);
  const before = await copyRowsChecksum(t.db.pool);
  const port = await freePort();
  const serverOptions = {
    temporal: { ...t.config.temporal, address: undefined },
    toolsDir: t.config.toolsDir,
    dbFile: path.join(t.workDir, 'restart.sqlite'),
    port,
    uiPort: await freePort(),
    ui: false,
    log: silentLogger,
  };
  let server = await startTemporalDevServer(serverOptions);
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const worker = await createFerryWorker({
    connection: native, namespace: server.namespace, taskQueue: t.taskQueue,
    deps: { db: t.db, config: t.config, log: silentLogger }, workflowBundle: { codePath: t.info.bundlePath }, extraKinds: engineKinds,
  });
  const running = worker.run();
  try {
    const handle = await startMigration(client, copyRowsRequest(t, { batchSize: 20, filters: { delayMs: { convert: 200 } } }));
    await waitForProgress(handle, (p) => p.phase === 'convert' && p.counters.unitsDone >= 60);
    await server.stop();
    server = await startTemporalDevServer(serverOptions);
    const { progress } = await handle.result();
    expect(progress.phase).toBe('completed');
    const after = await copyRowsChecksum(t.db.pool);
    expect(after.target).toBe(before.source);
    expect(after.sourceRows).toBe(0);
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await server.stop();
  }
});
