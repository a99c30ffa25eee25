/**
 * Applies Ferry's committed SQL migrations (prisma/migrations/<stamp>_<name>/migration.sql) in
 * order, recording each in `_prisma_migrations` exactly as `prisma migrate deploy` does (same
 * columns, SHA-256 checksum of the file), so that a real `prisma migrate deploy` run later on a
 * connected machine sees them as applied. The Prisma CLI cannot run here: it downloads its schema
 * engine at start-up. Idempotent, and safe when two workers start at once (advisory lock).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { projectRoot } from '../config';

export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');

/** The same advisory lock key Prisma Migrate takes, so Ferry and Prisma never apply at once. */
const prismaMigrateLockKey = 72707369;

export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

export class MigrationChecksumError extends Error {
  readonly code = 'MIGRATION_MODIFIED';
  constructor(readonly migration: string) {
    super(`Migration "${migration}" was changed after it was applied to this database. Restore the file, or add a new migration instead of editing an applied one.`);
    this.name = 'MigrationChecksumError';
  }
}

export function readMigrationFiles(dir = migrationsDir): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Where Prisma keeps `_prisma_migrations`: the connection string's `schema` parameter, else
 * "public". Always qualified — an unqualified name would follow search_path, whose "$user" entry
 * can point at a different schema once Ferry's own schema exists.
 */
export function migrationsTable(databaseUrl?: string): string {
  let schema = 'public';
  try {
    schema = new URL(databaseUrl ?? '').searchParams.get('schema') ?? 'public';
  } catch {
    // Not a URL (a pool built from parts): Prisma's default.
  }
  return `"${schema.replace(/"/g, '""')}"."_prisma_migrations"`;
}

export async function applyMigrations(pool: pg.Pool, files = readMigrationFiles()): Promise<MigrationReport> {
  const table = migrationsTable((pool as unknown as { options?: { connectionString?: string } }).options?.connectionString);
  const client = await pool.connect();
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [prismaMigrateLockKey]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(done.rows.map((row) => [row.migration_name, row.checksum]));
    for (const file of files) {
      const previous = applied.get(file.name);
      if (previous !== undefined) {
        if (previous !== file.checksum) throw new MigrationChecksumError(file.name);
        report.alreadyApplied.push(file.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query(
          `INSERT INTO ${table} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), file.checksum, file.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration "${file.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      report.applied.push(file.name);
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [prismaMigrateLockKey]).catch(() => undefined);
    client.release();
  }
}

/** Creates the application's tables (prisma/app-tables.sql) — for sample data and tests only. */
export async function createApplicationTables(pool: pg.Pool): Promise<void> {
  await pool.query(readFileSync(path.join(projectRoot, 'prisma', 'app-tables.sql'), 'utf8'));
}
