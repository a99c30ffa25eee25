/**
 * Per-file test context on the shared services: a fresh database with Ferry's migrations (and the
 * application tables, when asked), a Temporal client, and workers on a task queue of the file's own.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type FerryConfig } from '../../src/config';
import { applyMigrations, createApplicationTables } from '../../src/db/apply-migrations';
import { connectDatabase, type Database } from '../../src/db/connect';
import type { KindFactory } from '../../src/engine/kind';
import { silentLogger } from '../../src/log';
import { ensureDatabase } from '../../src/runtime/embedded-postgres';
import { createFerryWorker } from '../../src/worker/create-worker';
import { installSdkLogging } from '../../src/worker/sdk-logging';
import type { HarnessInfo } from './harness-info';

export interface TestContext {
  readonly info: HarnessInfo;
  readonly config: FerryConfig;
  readonly db: Database;
  readonly databaseUrl: string;
  readonly client: Client;
  readonly taskQueue: string;
  /** A folder of this file's own for files the test writes. */
  readonly workDir: string;
  /** Starts a worker in this process on the file's task queue; stopped by close() if still running. */
  startWorker(options?: { extraKinds?: readonly KindFactory[] }): Promise<TestWorker>;
  close(): Promise<void>;
}

export interface TestWorker {
  readonly worker: Worker;
  stop(): Promise<void>;
}

export async function openTestContext(name: string, options: { applicationTables?: boolean } = {}): Promise<TestContext> {
  installSdkLogging(process.env.FERRY_LOG_LEVEL ?? 'warn');
  const info = inject('harness');
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
  await ensureDatabase(info.adminDatabaseUrl, databaseName);
  const databaseUrl = replaceDatabase(info.adminDatabaseUrl, databaseName);
  const workDir = path.join(info.tempDir, databaseName);
  mkdirSync(workDir, { recursive: true });
  const config = loadConfig({
    TEMPORAL_ADDRESS: info.temporalAddress,
    TEMPORAL_NAMESPACE: info.namespace,
    DATABASE_URL: databaseUrl,
    FERRY_DATA_DIR: workDir,
    FERRY_TASK_QUEUE: `test-${name}-${suffix}`,
  });
  const db = connectDatabase(databaseUrl);
  await applyMigrations(db.pool);
  if (options.applicationTables) await createApplicationTables(db.pool);
  const connection = await Connection.connect({ address: info.temporalAddress });
  const client = new Client({ connection, namespace: info.namespace });
  const nativeConnection = await NativeConnection.connect({ address: info.temporalAddress });
  const workers = new Set<TestWorker>();

  return {
    info,
    config,
    db,
    databaseUrl,
    client,
    taskQueue: config.temporal.taskQueue,
    workDir,
    async startWorker(workerOptions = {}) {
      const worker = await createFerryWorker({
        connection: nativeConnection,
        namespace: info.namespace,
        taskQueue: config.temporal.taskQueue,
        deps: { db, config, log: silentLogger },
        workflowBundle: { codePath: info.bundlePath },
        extraKinds: workerOptions.extraKinds,
      });
      const running = worker.run();
      const handle: TestWorker = {
        worker,
        async stop() {
          workers.delete(handle);
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      for (const worker of [...workers]) await worker.stop();
      await nativeConnection.close();
      await connection.close();
      await db.close();
      const admin = new pg.Client({ connectionString: info.adminDatabaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function replaceDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The environment a child process (the `ferry` CLI, a worker) needs to use this context's services. */
export function childEnvironment(t: TestContext): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: t.info.temporalAddress,
    TEMPORAL_NAMESPACE: t.info.namespace,
    DATABASE_URL: t.databaseUrl,
    FERRY_TASK_QUEUE: t.taskQueue,
    FERRY_DATA_DIR: t.config.dataDir,
  };
}
