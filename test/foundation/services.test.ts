/**
 * The runtime's promises: the embedded services keep their state across restarts (a workflow
 * started in one run is known, with its history, in the next; rows stay), an existing server named
 * by TEMPORAL_ADDRESS / DATABASE_URL is used without starting anything, and a service that dies
 * under Ferry gives a clear error instead of a hang.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, projectRoot } from '../../src/config';
import { silentLogger } from '../../src/log';
import { freePort } from '../../src/runtime/free-port';
import { ServiceExitedError } from '../../src/runtime/managed-process';
import { startServices } from '../../src/runtime/services';
import { findTemporalCli } from '../../src/runtime/temporal-cli';
import { openTestContext, type TestContext } from '../support/harness';

let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('services');
});
afterAll(async () => t?.close());

async function embeddedConfig(dataDir: string) {
  return loadConfig({ FERRY_DATA_DIR: dataDir, FERRY_TEMPORAL_PORT: String(await freePort()), FERRY_TEMPORAL_UI_PORT: String(await freePort()) });
}

const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-services-'));
  chmodSync(dir, 0o755);
  madeDirs.push(dir);
  return dir;
}

it('keeps workflows and rows across a restart of the embedded services, reusing the CLI build', async () => {
  const dataDir = tempDataDir();
  const config = await embeddedConfig(dataDir);
  const cliBefore = findTemporalCli(config.temporal, config.toolsDir);
  expect(cliBefore).toBeDefined();

  let services = await startServices(config, silentLogger, { ui: false });
  let connection: Connection;
  let client: Client;
  let db: pg.Client;
  try {
    expect(services.processes).toHaveLength(2);
    expect(services.temporal.source).toMatch(/Temporal CLI/);
    connection = await Connection.connect({ address: services.temporal.address });
    client = new Client({ connection, namespace: services.temporal.namespace });
    // No worker polls this queue: the workflow stays open across the restart.
    await client.workflow.start('healthCheckWorkflow', { taskQueue: 'nobody-polls', workflowId: 'survives-restart', args: ['x'] });
    db = new pg.Client({ connectionString: services.database.url });
    await db.connect();
    await db.query('CREATE TABLE kept (v text)');
    await db.query('INSERT INTO kept VALUES ($1)', ['still here']);
    await db.end();
    await connection.close();
  } finally {
    await services.stop();
  }

  services = await startServices(config, silentLogger, { ui: false });
  try {
    expect(findTemporalCli(config.temporal, config.toolsDir)?.path).toBe(cliBefore?.path);
    connection = await Connection.connect({ address: services.temporal.address });
    client = new Client({ connection, namespace: services.temporal.namespace });
    const handle = client.workflow.getHandle('survives-restart');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const history = await handle.fetchHistory();
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('healthCheckWorkflow');
    await handle.terminate('test done');
    await connection.close();
    db = new pg.Client({ connectionString: services.database.url });
    await db.connect();
    expect((await db.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    await db.end();
  } finally {
    await services.stop();
  }
});

it('reports a killed Temporal server or PostgreSQL as a clear error', async () => {
  const services = await startServices(await embeddedConfig(tempDataDir()), silentLogger, { ui: false });
  const errors: ServiceExitedError[] = [];
  for (const service of services.processes) service.onUnexpectedExit((error) => errors.push(error));
  try {
    for (const service of services.processes) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors.map((e) => e.message).sort()).toEqual([
      expect.stringMatching(/^The Temporal dev server exited unexpectedly \(signal SIGKILL\)\. Ferry cannot go on without it; its log is .*temporal\.sqlite\.log/),
      expect.stringMatching(/^The embedded PostgreSQL exited unexpectedly \(signal SIGKILL\)\. Ferry cannot go on without it; its data folder is /),
    ].sort((a, b) => String(a).localeCompare(String(b))));
    const db = new pg.Client({ connectionString: services.database.url });
    await expect(db.connect()).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    await services.stop();
  }
});

it('uses TEMPORAL_ADDRESS and DATABASE_URL without starting anything', async () => {
  const config = loadConfig({ TEMPORAL_ADDRESS: t.info.temporalAddress, TEMPORAL_NAMESPACE: t.info.namespace, DATABASE_URL: t.databaseUrl, FERRY_DATA_DIR: t.workDir });
  const services = await startServices(config, silentLogger);
  expect(services.processes).toEqual([]);
  expect(services.temporal).toMatchObject({ address: t.info.temporalAddress, source: 'TEMPORAL_ADDRESS' });
  expect(services.database).toEqual({ url: t.databaseUrl, source: 'DATABASE_URL' });

  // `ferry worker` configured the same way serves a real workflow that writes to that database.
  const worker = spawn(process.execPath, [path.join(projectRoot, 'bin', 'ferry.js'), 'worker'], {
    env: { ...process.env, TEMPORAL_ADDRESS: t.info.temporalAddress, TEMPORAL_NAMESPACE: t.info.namespace, DATABASE_URL: t.databaseUrl, FERRY_TASK_QUEUE: t.taskQueue, FERRY_DATA_DIR: t.workDir },
    stdio: 'ignore',
  });
  try {
    const result = await t.client.workflow.execute('healthCheckWorkflow', { taskQueue: t.taskQueue, workflowId: `env-honoured-${Date.now()}`, args: ['via env'] });
    const rows = await t.db.pool.query('SELECT id::text, note FROM ferry.health_checks WHERE note = $1', ['via env']);
    expect(rows.rows).toEqual([{ id: result.id, note: 'via env' }]);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
});
