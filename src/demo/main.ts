/**
 * `npm run demo [-- --keep]`: Ferry's first ten minutes. Starts the embedded Temporal server and
 * PostgreSQL (or uses a running `ferry dev`), a worker, seeds modest sample data for all four kinds
 * and drives the four migrations with the `ferry` CLI as a user would — one approved before its
 * cutover, one rolled back by a signal after its cutover — with live progress, then prints a
 * summary and where to look in the Web UI.
 *
 * Each run starts from fresh sample data (a database `ferry_demo` and a folder data/demo/, both
 * recreated); the Temporal server keeps the history of earlier runs, so the Web UI shows them all.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { exitCodes } from '../cli/exit-codes';
import { formatProgress, isTerminal } from '../cli/output';
import { startWorker } from '../cli/run-worker';
import { loadConfig, projectRoot } from '../config';
import { getProgress, migrationHandle } from '../engine/client';
import type { Progress } from '../engine/types';
import { createLogger } from '../log';
import { ensureDatabase } from '../runtime/embedded-postgres';
import { resolveEndpoints, type Endpoints } from '../runtime/endpoints';
import { startServices, type Services } from '../runtime/services';
import { rollbackSignal } from '../../workflows/migration-api';
import { demoPlan, type DemoMigration } from './plan';
import { summaryTable, type DemoOutcome } from './summary';

const keep = process.argv.includes('--keep');
const baseConfig = loadConfig();
const log = createLogger(baseConfig.logLevel === 'info' ? 'warn' : baseConfig.logLevel);
const say = (line: string) => process.stdout.write(`${line}\n`);

let services: Services | undefined;
let endpoints: Endpoints;
try {
  endpoints = resolveEndpoints(baseConfig);
  say(`Using the running services (${endpoints.temporalAddress}).`);
} catch {
  say('Starting the embedded Temporal server and PostgreSQL (state kept in data/runtime/)…');
  services = await startServices(baseConfig, log, { ui: true });
  endpoints = { temporalAddress: services.temporal.address, namespace: services.temporal.namespace, databaseUrl: services.database.url, uiUrl: services.temporal.uiUrl };
}

// Fresh sample data every run: its own database and folder.
const demoDatabaseUrl = withDatabase(endpoints.databaseUrl, 'ferry_demo');
await recreateDatabase(endpoints.databaseUrl, 'ferry_demo');
const demoDir = path.join(baseConfig.dataDir, 'demo');
rmSync(demoDir, { recursive: true, force: true });
const env = {
  TEMPORAL_ADDRESS: endpoints.temporalAddress,
  TEMPORAL_NAMESPACE: endpoints.namespace,
  DATABASE_URL: demoDatabaseUrl,
  FERRY_DATA_DIR: demoDir,
  FERRY_TASK_QUEUE: 'ferry-demo',
  FERRY_LOG_LEVEL: 'warn',
};
const config = loadConfig({ ...process.env, ...env });
const worker = await startWorker(config, { ...endpoints, databaseUrl: demoDatabaseUrl }, log);
const connection = await Connection.connect({ address: endpoints.temporalAddress });
const client = new Client({ connection, namespace: endpoints.namespace });

let exitCode: number = exitCodes.ok;
try {
  say('\nSeeding sample data for the four kinds:');
  for (const m of demoPlan) say(`  ${m.kind}: ${(await ferry(['seed', m.kind, ...m.seedArgs])).trim()}`);

  // A demo run that was interrupted may have left migrations open; this run's data replaces theirs.
  for await (const open of client.workflow.list({ query: `TaskQueue = 'ferry-demo' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(open.workflowId, open.runId).terminate('a new demo run starts from fresh data');
  }

  say('\nStarting the four migrations:');
  const started = new Map<string, { id: string; at: number }>();
  for (const m of demoPlan) {
    const { workflowId } = JSON.parse(await ferry(['start', m.kind, ...m.startArgs, '--json'])) as { workflowId: string };
    started.set(m.kind, { id: workflowId, at: Date.now() });
    say(`  ferry start ${m.kind} ${m.startArgs.join(' ')}    → ${workflowId}\n    ${m.story}`);
  }

  const outcomes = await follow(demoPlan, started);
  say(`\n${summaryTable(outcomes)}`);
  say(`\nWeb UI: ${endpoints.uiUrl ? `${endpoints.uiUrl}/namespaces/${endpoints.namespace}/workflows` : '(external server: see your Temporal UI)'}`);
  say(`Workflow ids: ${outcomes.map((o) => o.workflowId).join(', ')}`);
  say('Try: ./bin/ferry.js status <id>, ./bin/ferry.js list (with `npm run dev` running in another terminal).');
  const expected: Record<string, string> = { plain: 'completed', approve: 'completed', 'rollback-after-cutover': 'rolled-back' };
  for (const [i, o] of outcomes.entries()) {
    if (o.progress.phase !== expected[demoPlan[i].style]) {
      exitCode = exitCodes.failed;
      say(`\n${demoPlan[i].kind} ended ${o.progress.phase}, not ${expected[demoPlan[i].style]}:\n${formatProgress(o.workflowId, o.progress)}`);
    }
  }
} catch (error) {
  exitCode = exitCodes.failed;
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
}

if (keep && services) {
  say('\n--keep: the services and the worker stay up; press Ctrl-C to stop them.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}
await worker.shutdown();
await connection.close();
await services?.stop();
process.exit(exitCode);

/** Follows all migrations, driving approvals and the rollback, until every one has ended. */
async function follow(plan: readonly DemoMigration[], started: Map<string, { id: string; at: number }>): Promise<DemoOutcome[]> {
  const finished = new Map<string, DemoOutcome>();
  const acted = new Set<string>();
  let lastPrinted = '';
  while (finished.size < plan.length) {
    const lines: string[] = [];
    for (const m of plan) {
      const id = started.get(m.kind)!.id;
      const known = finished.get(m.kind);
      const progress: Progress = known?.progress ?? (await getProgress(client, id));
      lines.push(`  ${m.kind.padEnd(22)} ${progress.phase.padEnd(17)} ${bar(progress.percent)} ${String(progress.percent).padStart(3)}%  ${progress.counters.unitsDone}/${progress.counters.unitsTotal} units`);
      if (known) continue;
      if (m.style === 'approve' && progress.phase === 'awaiting-cutover' && !acted.has(m.kind)) {
        acted.add(m.kind);
        lines.push(`    validation passed (${progress.validation?.passed}/${progress.validation?.checked} units): ferry approve ${id}`);
        await ferry(['approve', id]);
      } else if (m.style === 'rollback-after-cutover' && progress.phase === 'completed' && !acted.has(m.kind)) {
        acted.add(m.kind);
        lines.push(`    cut over; now sending the rollback signal (what the Web UI's "Send a Signal" does)`);
        await migrationHandle(client, id).signal(rollbackSignal, { reason: 'demo: the way back after cutover' });
      } else if (progress.phase === 'paused' || progress.phase === 'failed' || progress.phase === 'rolled-back' || (progress.phase === 'completed' && m.style !== 'rollback-after-cutover')) {
        finished.set(m.kind, { workflowId: id, progress, seconds: (Date.now() - started.get(m.kind)!.at) / 1000 });
      }
    }
    const frame = lines.join('\n');
    if (isTerminal()) process.stdout.write(`\x1b[2K${lastPrinted ? `\x1b[${lastPrinted.split('\n').length}A` : ''}${frame}\n`);
    else if (frame !== lastPrinted) say(frame);
    lastPrinted = frame;
    if (finished.size < plan.length) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return plan.map((m) => finished.get(m.kind)!);
}

function bar(percent: number): string {
  const filled = Math.round(percent / 5);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]`;
}

/** Runs the `ferry` command as a user would, against the demo's services; returns its output. */
function ferry(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'ferry.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ferry ${args.join(' ')} exited ${code}: ${err.trim() || out.trim()}`))));
  });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function recreateDatabase(url: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await ensureDatabase(withDatabase(url, 'postgres'), database);
}
