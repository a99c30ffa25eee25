/**
 * Ferry's bookkeeping for the engine: the migrations table, the units inventory listed, and the
 * unit ledger. Plain SQL over the pool — these are the hot paths of every batch.
 */
import type pg from 'pg';
import type { InventoryUnit, UnitRow } from '../../src/engine/kind';
import type { MigrationOptions, UnitOutcome, UnitStep } from '../../src/engine/types';

export async function loadOptions(pool: pg.Pool, migrationId: string): Promise<MigrationOptions> {
  const found = await pool.query<{ options: MigrationOptions }>('SELECT options FROM ferry.migrations WHERE id = $1', [migrationId]);
  if (found.rowCount === 0) throw new Error(`Migration "${migrationId}" is not registered in ferry.migrations`);
  return found.rows[0].options;
}

export async function insertUnits(pool: pg.Pool, migrationId: string, firstOrdinal: number, units: readonly InventoryUnit[]): Promise<void> {
  if (units.length === 0) return;
  await pool.query(
    `INSERT INTO ferry.units (migration_id, ordinal, unit_key, records, bytes, detail)
     SELECT $1, u.ordinal, u.key, u.records, u.bytes, COALESCE(u.detail, '{}'::jsonb)
     FROM jsonb_to_recordset($2::jsonb) AS u(ordinal int, key text, records bigint, bytes bigint, detail jsonb)
     ON CONFLICT DO NOTHING`,
    [migrationId, JSON.stringify(units.map((u, i) => ({ ordinal: firstOrdinal + i, key: u.key, records: u.records ?? null, bytes: u.bytes ?? null, detail: u.detail ?? {} })))],
  );
}

export async function loadUnits(pool: pg.Pool, migrationId: string, fromOrdinal: number, toOrdinal: number): Promise<UnitRow[]> {
  const rows = await pool.query<{ ordinal: number; unit_key: string; records: string | null; bytes: string | null; detail: Record<string, unknown> }>(
    `SELECT ordinal, unit_key, records, bytes, detail FROM ferry.units
     WHERE migration_id = $1 AND ordinal >= $2 AND ordinal < $3 ORDER BY ordinal`,
    [migrationId, fromOrdinal, toOrdinal],
  );
  return rows.rows.map((row) => ({
    ordinal: row.ordinal,
    key: row.unit_key,
    records: row.records === null ? undefined : Number(row.records),
    bytes: row.bytes === null ? undefined : Number(row.bytes),
    detail: row.detail,
  }));
}

/** Keys among `keys` whose `step` already finished (done or skipped): a retried batch leaves them alone. */
export async function finishedKeys(pool: pg.Pool, migrationId: string, step: UnitStep, keys: readonly string[]): Promise<Set<string>> {
  const rows = await pool.query<{ unit_key: string }>(
    `SELECT unit_key FROM ferry.unit_ledger WHERE migration_id = $1 AND step = $2 AND unit_key = ANY($3) AND status IN ('done', 'skipped')`,
    [migrationId, step, keys],
  );
  return new Set(rows.rows.map((row) => row.unit_key));
}

/** Keys an operator chose to skip in any step of this migration: later steps leave them alone too. */
export async function operatorSkippedKeys(pool: pg.Pool, migrationId: string, keys: readonly string[]): Promise<Set<string>> {
  const rows = await pool.query<{ unit_key: string }>(
    `SELECT DISTINCT unit_key FROM ferry.unit_ledger
     WHERE migration_id = $1 AND unit_key = ANY($2) AND status = 'skipped' AND detail ? 'skipReason'`,
    [migrationId, keys],
  );
  return new Set(rows.rows.map((row) => row.unit_key));
}

export async function writeLedger(pool: pg.Pool, migrationId: string, step: string, outcomes: readonly UnitOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await pool.query(
    `INSERT INTO ferry.unit_ledger (migration_id, unit_key, step, status, checksum, detail, updated_at)
     SELECT $1, o.key, $2, o.status, o.checksum, COALESCE(o.detail, '{}'::jsonb), now()
     FROM jsonb_to_recordset($3::jsonb) AS o(key text, status text, checksum text, detail jsonb)
     ON CONFLICT (migration_id, unit_key, step) DO UPDATE
       SET status = EXCLUDED.status, checksum = EXCLUDED.checksum, detail = EXCLUDED.detail, updated_at = now()`,
    [migrationId, step, JSON.stringify(outcomes.map((o) => ({
      key: o.key,
      status: o.status,
      checksum: o.checksum ?? null,
      detail: { ...(o.detail ?? {}), ...(o.error ? { error: o.error } : {}), ...(o.mismatches?.length ? { mismatches: o.mismatches } : {}) },
    })))],
  );
}
