import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyMigrations, MigrationChecksumError, migrationsDir, readMigrationFiles } from '../../src/db/apply-migrations';
import { openTestContext, type TestContext } from '../support/harness';

let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('apply_migrations');
});
afterAll(async () => t?.close());

it('records every migration as prisma migrate deploy does, with the SHA-256 of its file', async () => {
  const rows = await t.db.pool.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM public."_prisma_migrations" ORDER BY migration_name',
  );
  const files = readMigrationFiles();
  expect(rows.rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  for (const [i, file] of files.entries()) {
    const expected = createHash('sha256').update(readFileSync(path.join(migrationsDir, file.name, 'migration.sql'))).digest('hex');
    expect(rows.rows[i].checksum).toBe(expected);
    expect(rows.rows[i].finished_at).not.toBeNull();
    expect(rows.rows[i].applied_steps_count).toBe(1);
  }
});

it('applies nothing the second time', async () => {
  const report = await applyMigrations(t.db.pool);
  expect(report.applied).toEqual([]);
  expect(report.alreadyApplied).toEqual(readMigrationFiles().map((f) => f.name));
});

it('refuses to go on when an applied migration was edited afterwards', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-migrations-'));
  cpSync(migrationsDir, dir, { recursive: true });
  const first = readMigrationFiles(dir)[0];
  writeFileSync(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
  await expect(applyMigrations(t.db.pool, readMigrationFiles(dir))).rejects.toThrow(MigrationChecksumError);
  await expect(applyMigrations(t.db.pool, readMigrationFiles(dir))).rejects.toThrow(new RegExp(`"${first.name}" was changed after it was applied`));
});

it('applies a new migration in order and records it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-migrations-'));
  cpSync(migrationsDir, dir, { recursive: true });
  mkdirSync(path.join(dir, '29991231000000_extra'));
  writeFileSync(path.join(dir, '29991231000000_extra', 'migration.sql'), 'CREATE TABLE "ferry"."extra_probe" ("id" INTEGER NOT NULL);\n');
  const report = await applyMigrations(t.db.pool, readMigrationFiles(dir));
  expect(report.applied).toEqual(['29991231000000_extra']);
  const exists = await t.db.pool.query(`SELECT to_regclass('ferry.extra_probe') IS NOT NULL AS ok`);
  expect(exists.rows[0].ok).toBe(true);
});
