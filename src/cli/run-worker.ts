/**
 * Runs a worker until interrupted: connects to Temporal and PostgreSQL, applies Ferry's migrations,
 * and serves workflows and activities. Shared by `ferry worker` and `ferry dev`.
 */
import { NativeConnection } from '@temporalio/worker';
import type { FerryConfig } from '../config';
import { applyMigrations } from '../db/apply-migrations';
import { connectDatabase } from '../db/connect';
import type { Logger } from '../log';
import type { Endpoints } from '../runtime/endpoints';
import { createFerryWorker } from '../worker/create-worker';
import { installSdkLogging } from '../worker/sdk-logging';

export interface RunningWorker {
  /** Resolves when the worker has stopped (after shutdown(), or on a fatal error). */
  readonly done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(config: FerryConfig, endpoints: Endpoints, log: Logger): Promise<RunningWorker> {
  installSdkLogging(config.logLevel);
  const db = connectDatabase(endpoints.databaseUrl);
  const report = await applyMigrations(db.pool);
  if (report.applied.length) log.info(`Applied Ferry's migrations: ${report.applied.join(', ')}`);
  const connection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const worker = await createFerryWorker({
    connection,
    namespace: endpoints.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { db, config, log },
  });
  log.info(`Worker polling task queue "${config.temporal.taskQueue}" on ${endpoints.temporalAddress} (namespace ${endpoints.namespace}).`);
  const done = worker.run().finally(async () => {
    await connection.close();
    await db.close();
  });
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
