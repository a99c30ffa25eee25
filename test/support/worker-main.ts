/**
 * A worker in a process of its own, for tests that kill it (kill -9) mid-migration. Configured
 * like `ferry worker` from the environment; FERRY_TEST_KIND_MODULES (comma-separated module paths,
 * each exporting `kindFactory`) adds test kinds. Prints "worker ready" once polling.
 */
import { pathToFileURL } from 'node:url';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { applyMigrations } from '../../src/db/apply-migrations';
import { connectDatabase } from '../../src/db/connect';
import type { KindFactory } from '../../src/engine/kind';
import { silentLogger } from '../../src/log';
import { createFerryWorker } from '../../src/worker/create-worker';
import { installSdkLogging } from '../../src/worker/sdk-logging';

installSdkLogging('warn');
const config = loadConfig();
const extraKinds: KindFactory[] = [];
for (const modulePath of (process.env.FERRY_TEST_KIND_MODULES ?? '').split(',').filter(Boolean)) {
  const loaded = (await import(pathToFileURL(modulePath).href)) as { kindFactory: KindFactory };
  extraKinds.push(loaded.kindFactory);
}
const db = connectDatabase(config.database.url!);
await applyMigrations(db.pool);
const connection = await NativeConnection.connect({ address: config.temporal.address! });
const worker = await createFerryWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: { db, config, log: silentLogger },
  workflowBundle: process.env.FERRY_TEST_BUNDLE ? { codePath: process.env.FERRY_TEST_BUNDLE } : undefined,
  extraKinds,
});
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
process.stdout.write('worker ready\n');
await running;
await connection.close();
await db.close();
