import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBackup, restoreBackup } from '../../src/csv-runs/backup-archive';
import { dbWritesEnabled } from '../../src/csv-runs/feature-flag';
import { seedLogs } from '../../src/csv-runs/seed-logs';
import { openTestContext, type TestContext } from '../support/harness';
import { count, fileChecksums, kind, listUnits, migrate, rollBack, stepRun, tableChecksums } from './csv-fixtures';

let t: TestContext;
let folder = 0;
beforeAll(async () => {
  t = await openTestContext('csv_steps', { applicationTables: true });
});
afterAll(async () => t?.close());

async function seeded(files: number, rows: number, badRate = 0.03) {
  const base = path.join(t.workDir, `set-${++folder}`);
  const filters = { logs: path.join(base, 'logs'), config: path.join(base, 'config.json'), backupDir: path.join(base, 'backups') };
  const report = await seedLogs({ logsDir: filters.logs, configPath: filters.config, files, rows, seed: folder, badRate });
  return { filters, report, base };
}

async function clearTables() {
  await t.db.pool.query('TRUNCATE public.runs, public.run_samples, public.logger_events, public.config_profiles, public.config_applied_events, ferry.csv_ingested_files, ferry.quarantine, ferry.feature_flags');
}

it('migrates a seeded folder with totals reconciling, validation clean and the flag on', async () => {
  await clearTables();
  const { filters, report } = await seeded(4, 400);
  const run = stepRun(t, 'm-full', filters);
  const result = await migrate(run);
  expect(result.units.map((u) => u.key)[0]).toBe('config.json');
  expect(result.units).toHaveLength(5);
  expect(result.convert.every((o) => o.status === 'done')).toBe(true);
  expect(result.validate.map((o) => o.mismatches ?? [])).toEqual(result.units.map(() => []));
  expect(result.validate.every((o) => o.status === 'done')).toBe(true);
  const samples = await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples');
  const events = await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.logger_events');
  const quarantined = await count(t.db.pool, "SELECT count(*)::int AS n FROM ferry.quarantine WHERE migration_id = 'm-full'");
  expect(report.broken).toBeGreaterThan(0);
  expect(quarantined).toBe(report.broken);
  expect(events).toBe(report.events);
  expect(samples + events + quarantined).toBe(report.lines); // every seeded event line is event-only
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.runs')).toBe(4);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.config_profiles')).toBe(1);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.config_applied_events')).toBe(1);
  expect(await dbWritesEnabled(t.db.pool)).toBe(true);
  expect(result.finish).toMatchObject({ caughtUpFiles: 0, latestRun: { samples: expect.any(Number) } });
  // The latest run reads back with all of its file's sample lines.
  const latest = result.finish!.latestRun as { id: number; samples: number };
  const ledger = await count(t.db.pool, 'SELECT sum(samples)::int AS n FROM ferry.csv_ingested_files WHERE run_id = $1', [latest.id]);
  expect(latest.samples).toBe(ledger);

  // A re-run lists nothing: every file and the configuration are in, unchanged.
  expect(await listUnits(stepRun(t, 'm-full-again', filters))).toEqual([]);
});

it('ingests only the new lines of a grown file, and a half-written last line only once complete', async () => {
  await clearTables();
  const { filters } = await seeded(2, 50, 0);
  await migrate(stepRun(t, 'm-grow-1', filters));
  const before = await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples');
  const file = path.join(filters.logs, readdirSync(filters.logs).sort()[0]);
  const line = (s: number) => `2025-03-01T09:00:${String(s).padStart(2, '0')},181,191,201,41,180,200,50,50,100,25`;
  appendFileSync(file, `${line(1)}\n${line(2)}\n${line(3)}`); // the third is still being written
  const run = stepRun(t, 'm-grow-2', filters);
  const result = await migrate(run, 'validate');
  expect(result.units.map((u) => u.key)).toEqual([`logs/${path.basename(file)}`]);
  expect(result.validate[0].mismatches ?? []).toEqual([]);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples')).toBe(before + 2);
  // The logger finishes the line after the inventory: cutover catches it up, once.
  appendFileSync(file, `\n${line(4)}\n`);
  const finish = await kind.finishCutover!(run);
  expect(finish).toMatchObject({ caughtUpFiles: 1, caughtUpLines: 2 });
  await kind.finishCutover!(run);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples')).toBe(before + 4);
  const runs = await count(t.db.pool, 'SELECT count(DISTINCT run_id)::int AS n FROM ferry.csv_ingested_files WHERE file_path = $1', [file]);
  expect(runs).toBe(1); // the grown file's lines join its existing run
  expect(await listUnits(stepRun(t, 'm-grow-3', filters))).toEqual([]);
});

describe('bad input', () => {
  const header = 'Timestamp,T1_Feed,T2_Mid,T3_Nozzle,T_Motor,Target_Z1,Target_Z2,PWR_Z1_%,PWR_Z2_%,RPM_Main,RPM_Feed,Event_Level,Event_Message';
  const good = (s: number) => `2025-03-02T10:00:${String(s).padStart(2, '0')},180,190,200,40,180,200,55,60,120,30,,`;
  const cases = [
    { name: 'a line cut short', line: '2025-03-02T10:00:50,180,190', code: 'COLUMN_COUNT', reason: /expected 13 fields, got 3/ },
    { name: 'an extra field', line: `${good(51)},extra`, code: 'COLUMN_COUNT', reason: /got 14/ },
    { name: 'an unparseable timestamp', line: '02/03/2025 10:00,180,190,200,40,180,200,55,60,120,30,,', code: 'BAD_TIMESTAMP', reason: /unparseable timestamp/ },
    { name: 'a NUL in an event message', line: '2025-03-02T10:00:52,,,,,,,,,,,INFO,bad\u0000text', code: 'BAD_TEXT', reason: /NUL/, raw: '2025-03-02T10:00:52,,,,,,,,,,,INFO,bad\\0text' },
    { name: 'a quote never closed', line: '2025-03-02T10:00:53,,,,,,,,,,,WARN,"Heater Z1 fa', code: 'CSV_SYNTAX', reason: /Quote Not Closed/i },
  ];
  for (const c of cases) {
    it(`quarantines ${c.name} as ${c.code} with its line and raw text, and loads every other line`, async () => {
      await clearTables();
      const base = path.join(t.workDir, `bad-${++folder}`);
      mkdirSync(path.join(base, 'logs'), { recursive: true });
      const filters = { logs: path.join(base, 'logs'), config: path.join(base, 'none.json'), backupDir: path.join(base, 'backups') };
      writeFileSync(path.join(base, 'logs', 'run.csv'), `${header}\n${good(1)}\n${good(2)}\n${c.line}\n`);
      const result = await migrate(stepRun(t, `m-bad-${folder}`, filters), 'validate');
      expect(result.validate[0].mismatches ?? []).toEqual([]);
      const rows = await t.db.pool.query('SELECT unit_key, record_ref, line_number, raw, code, reason FROM ferry.quarantine');
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]).toMatchObject({ unit_key: 'logs/run.csv', line_number: 4, raw: c.raw ?? c.line, code: c.code });
      expect(rows.rows[0].reason).toMatch(c.reason);
      expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.run_samples')).toBe(2);
    });
  }

  it('fails a file whose header has no timestamp, naming the file, and loads nothing from it', async () => {
    await clearTables();
    const base = path.join(t.workDir, `bad-${++folder}`);
    mkdirSync(path.join(base, 'logs'), { recursive: true });
    writeFileSync(path.join(base, 'logs', 'nohead.csv'), 'T1_Feed,T2_Mid\n1,2\n');
    const filters = { logs: path.join(base, 'logs'), config: path.join(base, 'none.json'), backupDir: path.join(base, 'b') };
    const result = await migrate(stepRun(t, 'm-nohead', filters), 'convert');
    expect(result.convert[0]).toMatchObject({ status: 'failed', error: { code: 'BAD_HEADER' } });
    expect(result.convert[0].error!.message).toContain('nohead.csv');
    expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM public.runs')).toBe(0);
  });
});

describe('rollback', () => {
  for (const phase of ['convert', 'validate', 'cutover'] as const) {
    it(`after ${phase}: restores every target table and the flag, files byte-identical`, async () => {
      await clearTables();
      const { filters } = await seeded(3, 120);
      // Something older in the tables that the rollback must keep.
      await migrate(stepRun(t, `m-older-${phase}`, { ...filters, logs: path.join(filters.logs, 'none') }), 'convert');
      const tables = await tableChecksums(t.db.pool);
      const files = fileChecksums(filters.logs, [filters.config]);
      const run = stepRun(t, `m-rb-${phase}`, filters);
      const result = await migrate(run, phase);
      if (phase === 'cutover') {
        appendFileSync(path.join(filters.logs, 'late.csv'), 'Timestamp,T1_Feed\n2025-03-05T00:00:00,1\n');
        await kind.finishCutover!(run); // catches up a file the logger started after inventory
        expect(await dbWritesEnabled(t.db.pool)).toBe(true);
      }
      expect(await tableChecksums(t.db.pool)).not.toEqual(tables);
      const outcomes = await rollBack(run, result.units);
      expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
      expect(await tableChecksums(t.db.pool)).toEqual(tables);
      expect(await dbWritesEnabled(t.db.pool)).toBe(false);
      const after = fileChecksums(filters.logs, [filters.config]);
      for (const [file, sum] of Object.entries(files)) expect(after[file]).toBe(sum);
      expect(await count(t.db.pool, "SELECT count(*)::int AS n FROM ferry.csv_ingested_files WHERE migration_id = $1", [`m-rb-${phase}`])).toBe(0);
      // Rolling back again is a no-op.
      await rollBack(run, result.units);
      expect(await tableChecksums(t.db.pool)).toEqual(tables);
    });
  }

  it('is a no-op for units never converted', async () => {
    await clearTables();
    const { filters } = await seeded(2, 30);
    const run = stepRun(t, 'm-never', filters);
    const units = await listUnits(run);
    const tables = await tableChecksums(t.db.pool);
    const outcomes = await rollBack(run, units);
    expect(outcomes.every((o) => o.status === 'skipped')).toBe(true);
    expect(await tableChecksums(t.db.pool)).toEqual(tables);
  });
});

it('backs up config and logs as a tar.gz with its checksum, and restores them byte for byte', async () => {
  await clearTables();
  const { filters, base } = await seeded(2, 40);
  const run = stepRun(t, 'm-backup', filters);
  const first = await kind.prepare!(run);
  expect(await kind.prepare!(run)).toEqual(first); // one archive per migration
  const manifest = (await findBackup(filters.backupDir, 'm-backup'))!;
  expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(manifest.archive).toMatch(/csv-to-runs-m-backup-\d{8}T\d{6}Z\.tar\.gz$/);
  const into = path.join(base, 'restored');
  await restoreBackup(manifest, { into });
  const original = fileChecksums(filters.logs);
  const restored = fileChecksums(path.join(into, 'logs'));
  expect(Object.values(restored)).toEqual(Object.values(original));
  expect(fileChecksums(into, [])[path.join(into, 'config.json')]).toBe(fileChecksums(path.dirname(filters.config), [])[filters.config]);
  // A damaged archive is refused.
  appendFileSync(manifest.archive, 'x');
  await expect(restoreBackup(manifest, { into: path.join(base, 'again') })).rejects.toThrow(/BACKUP_CORRUPT|SHA-256/);
});

it('dry run reports per file what would be loaded and rejected, and writes nothing', async () => {
  await clearTables();
  const { filters, report } = await seeded(3, 200);
  const tables = await tableChecksums(t.db.pool);
  const run = stepRun(t, 'm-dry', filters, true);
  const units = await listUnits(run);
  const outcomes = await kind.simulate(run, units);
  const logs = outcomes.filter((o) => o.key !== 'config.json');
  const rejected = logs.reduce((s, o) => s + (o.recordsRejected ?? 0), 0);
  expect(rejected).toBe(report.broken);
  expect(logs.reduce((s, o) => s + (o.recordsRead ?? 0), 0)).toBe(report.lines);
  const withRejects = logs.find((o) => (o.recordsRejected ?? 0) > 0)!;
  expect(Object.keys(withRejects.detail!.wouldReject as object).every((c) => ['COLUMN_COUNT', 'BAD_TIMESTAMP'].includes(c))).toBe(true);
  expect((withRejects.detail!.rejectedExamples as string[])[0]).toMatch(/^line \d+: /);
  expect(await tableChecksums(t.db.pool)).toEqual(tables);
  expect(await count(t.db.pool, 'SELECT count(*)::int AS n FROM ferry.quarantine')).toBe(0);
});

it('validation fails a file whose loaded values were changed in the table, naming the file', async () => {
  await clearTables();
  const { filters } = await seeded(2, 300, 0);
  const run = stepRun(t, 'm-tamper', filters);
  const result = await migrate(run, 'convert');
  await t.db.pool.query('UPDATE public.run_samples SET t1_feed = t1_feed + 0.001 WHERE id = (SELECT min(id) FROM public.run_samples)');
  const [, logs] = await kind.validate(run, result.units);
  expect(logs.status).toBe('failed');
  expect(logs.mismatches).toEqual([expect.stringMatching(/run_samples values differ from the file \(checksum\)/)]);
  await t.db.pool.query("DELETE FROM public.logger_events WHERE id = (SELECT min(id) FROM public.logger_events)");
  const again = await kind.validate(run, result.units);
  expect(again[2].status).toBe('failed');
  expect(again[2].mismatches).toContainEqual(expect.stringMatching(/logger_events holds \d+ rows, the file has \d+ event lines/));
});
