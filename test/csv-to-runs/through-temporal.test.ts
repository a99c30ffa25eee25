import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { csvScope } from '../../activities/csv-to-runs/options';
import { dbWritesEnabled } from '../../src/csv-runs/feature-flag';
import { seedLogs } from '../../src/csv-runs/seed-logs';
import { migrationHandle, sendCommand, startMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import { openTestContext, type TestContext } from '../support/harness';
import { spawnWorkerProcess } from '../support/worker-process';
import { count, fileChecksums, tableChecksums } from './csv-fixtures';

let t: TestContext;
let folder = 0;
beforeAll(async () => {
  t = await openTestContext('csv_temporal', { applicationTables: true });
});
afterAll(async () => t?.close());

async function seeded(files: number, rows: number, badRate = 0.01) {
  const base = path.join(t.workDir, `set-${++folder}`);
  const filters = { logs: path.join(base, 'logs'), config: path.join(base, 'config.json'), backupDir: path.join(base, 'backups') };
  const report = await seedLogs({ logsDir: filters.logs, configPath: filters.config, files, rows, seed: 40 + folder, badRate });
  return { filters, report };
}

function start(filters: Record<string, unknown>) {
  return startMigration(t.client, {
    kind: 'csv-to-runs', scope: csvScope(filters), taskQueue: t.taskQueue,
    options: defaultOptions({ batchSize: 2, throttle: { concurrency: 2 }, filters }),
  });
}

async function clearTables() {
  await t.db.pool.query('TRUNCATE public.runs, public.run_samples, public.logger_events, public.config_profiles, public.config_applied_events, ferry.csv_ingested_files, ferry.quarantine, ferry.feature_flags');
}

/** Lines represented in the tables: samples + event-only lines (seeded events carry no readings) + quarantined. */
async function represented(): Promise<number> {
  return count(t.db.pool, `SELECT ((SELECT count(*) FROM public.run_samples) + (SELECT count(*) FROM public.logger_events)
    + (SELECT count(*) FROM ferry.quarantine))::int AS n`);
}

it('migrates a seeded folder through Temporal with totals reconciling; a second run has nothing to do', async () => {
  await clearTables();
  const worker = await t.startWorker();
  try {
    const { filters, report } = await seeded(5, 300);
    const { progress } = await (await start(filters)).result();
    expect(progress.phase).toBe('completed');
    expect(progress.counters.unitsTotal).toBe(6);
    expect(progress.validation?.failed ?? 0).toBe(0);
    expect(await represented()).toBe(report.lines);
    expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM ferry.quarantine')).toBe(report.broken);
    expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.runs')).toBe(5);
    expect(await dbWritesEnabled(t.db.pool)).toBe(true);
    const again = await (await start(filters)).result();
    expect(again.progress.phase).toBe('completed');
    expect(again.progress.counters.unitsTotal).toBe(0);
    expect(await represented()).toBe(report.lines);
  } finally {
    await worker.stop();
  }
});

it('kill -9 of the worker during a COPY leaves no partial file, and the migration then completes exactly', async () => {
  await clearTables();
  const { filters, report } = await seeded(3, 60_000, 0.001);
  const child = await spawnWorkerProcess(t);
  const handle = await start(filters);
  // Wait until a file's COPY is running in this test's database, then kill the worker.
  const deadline = Date.now() + 60_000;
  let copying = false;
  while (!copying && Date.now() < deadline) {
    copying = (await count(t.db.pool, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY public.run_samples%' AND state = 'active'")) > 0;
    if (!copying) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(copying).toBe(true);
  await child.kill9();
  // Whatever was committed is whole files: the tables hold exactly what the ledger says.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const ledgerSamples = await count(t.db.pool, 'SELECT coalesce(sum(samples), 0)::int AS n FROM ferry.csv_ingested_files');
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples')).toBe(ledgerSamples);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.runs')).toBe(await count(t.db.pool, 'SELECT count(*)::int AS n FROM ferry.csv_ingested_files WHERE run_created'));
  expect(ledgerSamples).toBeLessThan(report.lines - report.broken);

  const worker = await t.startWorker();
  try {
    const { progress } = await handle.result();
    expect(progress.phase).toBe('completed');
    expect(await represented()).toBe(report.lines);
    expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.runs')).toBe(3);
    expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM ferry.quarantine')).toBe(report.broken);
  } finally {
    await worker.stop();
  }
}, 180_000);

it('rollback after cutover restores the tables, turns the flag off and leaves the files byte-identical', async () => {
  await clearTables();
  const worker = await t.startWorker();
  try {
    const { filters } = await seeded(3, 200);
    const tables = await tableChecksums(t.db.pool);
    const files = fileChecksums(filters.logs, [filters.config]);
    const handle = await start(filters);
    expect((await handle.result()).progress.phase).toBe('completed');
    expect(await tableChecksums(t.db.pool)).not.toEqual(tables);
    await sendCommand(t.client, handle.workflowId, 'rollback', 'test');
    const { progress } = await migrationHandle(t.client, handle.workflowId).result();
    expect(progress.phase).toBe('rolled-back');
    expect(progress.rollbackFailures).toEqual([]);
    expect(await tableChecksums(t.db.pool)).toEqual(tables);
    expect(await dbWritesEnabled(t.db.pool)).toBe(false);
    expect(fileChecksums(filters.logs, [filters.config])).toEqual(files);
  } finally {
    await worker.stop();
  }
});
