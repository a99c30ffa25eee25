/**
 * Services for a benchmark run: a Temporal dev server (headless) and an embedded PostgreSQL in a
 * temporary folder, both stopped at the end — the same real services the tests use.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type FerryConfig } from '../../src/config';
import { applyMigrations, createApplicationTables } from '../../src/db/apply-migrations';
import { connectDatabase, type Database } from '../../src/db/connect';
import type { KindFactory } from '../../src/engine/kind';
import { silentLogger } from '../../src/log';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres';
import { freePort } from '../../src/runtime/free-port';
import { startTemporalDevServer } from '../../src/runtime/temporal-server';
import { createFerryWorker } from '../../src/worker/create-worker';
import { installSdkLogging } from '../../src/worker/sdk-logging';

export interface BenchServices {
  readonly config: FerryConfig;
  readonly db: Database;
  readonly client: Client;
  readonly workDir: string;
  startWorker(extraKinds?: readonly KindFactory[]): Promise<{ worker: Worker; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

export async function startBenchServices(): Promise<BenchServices> {
  installSdkLogging('warn');
  const log = silentLogger;
  const base = loadConfig();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  chmodSync(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: 0, database: 'ferry', log });
  const temporal = await startTemporalDevServer({
    temporal: base.temporal, toolsDir: base.toolsDir, dbFile: path.join(dir, 'temporal.sqlite'),
    port: await freePort(), uiPort: await freePort(), ui: false, log,
  });
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: postgres.url, FERRY_DATA_DIR: path.join(dir, 'data'), FERRY_TASK_QUEUE: 'bench',
  });
  const db = connectDatabase(postgres.url, { max: 20 });
  await applyMigrations(db.pool);
  await createApplicationTables(db.pool);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const native = await NativeConnection.connect({ address: temporal.address });
  const workers: Array<() => Promise<void>> = [];
  return {
    config, db, client, workDir: dir,
    async startWorker(extraKinds = []) {
      const worker = await createFerryWorker({
        connection: native, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue,
        deps: { db, config, log }, extraKinds,
      });
      const running = worker.run();
      const stop = async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      };
      workers.push(stop);
      return { worker, stop };
    },
    async stop() {
      for (const stop of workers) await stop().catch(() => undefined);
      await native.close();
      await connection.close();
      await db.close();
      await temporal.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
