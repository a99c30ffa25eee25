/**
 * Starts the services every test file shares, once per test run: a real Temporal dev server (from
 * the Temporal CLI, built once if missing) and a real PostgreSQL (embedded), both in a temporary
 * folder, plus one workflow bundle. Stops them at the end, even when tests fail, and checks that
 * no process it started is left.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres';
import { freePort } from '../../src/runtime/free-port';
import { startTemporalDevServer } from '../../src/runtime/temporal-server';
import { bundleWorkflows } from '../../src/worker/create-worker';
import type { HarnessInfo } from './harness-info';

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.FERRY_LOG_LEVEL ?? 'warn');
  const config = loadConfig();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-test-'));
  chmodSync(dir, 0o755); // the PostgreSQL server runs as user "postgres" when tests run as root
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: 0, database: 'ferry_admin', fast: true, log });
  let temporal: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
  try {
    temporal = await startTemporalDevServer({
      temporal: config.temporal,
      toolsDir: config.toolsDir,
      dbFile: path.join(dir, 'temporal.sqlite'),
      port: await freePort(),
      uiPort: await freePort(),
      ui: true,
      log,
    });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflows()).code);
    const info: HarnessInfo = {
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      uiUrl: temporal.uiUrl ?? '',
      adminDatabaseUrl: postgres.url,
      bundlePath,
      tempDir: dir,
      servicePids: [temporal.process?.pid, postgres.process.pid].filter((pid): pid is number => pid !== undefined),
    };
    project.provide('harness', info);
  } catch (error) {
    await temporal?.stop();
    await postgres.stop();
    throw error;
  }

  return async () => {
    await temporal?.stop();
    await postgres.stop();
    const left = [temporal?.process?.pid, postgres.process.pid].filter((pid) => pid !== undefined && isAlive(pid));
    rmSync(dir, { recursive: true, force: true });
    if (left.length) throw new Error(`Test services still running after teardown: pids ${left.join(', ')}`);
  };
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
