/** The switch the logger application reads to also write telemetry to the database (ferry.feature_flags). */
import type pg from 'pg';

export const dbWritesFlag = 'csv-to-runs.db-writes';

export async function setDbWrites(pool: pg.Pool, enabled: boolean, by: string, name = dbWritesFlag): Promise<void> {
  await pool.query(
    `INSERT INTO ferry.feature_flags (name, enabled, updated_at, updated_by) VALUES ($1, $2, now(), $3)
     ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [name, enabled, by],
  );
}

/** Turns the flag off where it exists; a flag never created stays absent. */
export async function disableDbWrites(pool: pg.Pool, by: string, name = dbWritesFlag): Promise<void> {
  await pool.query('UPDATE ferry.feature_flags SET enabled = false, updated_at = now(), updated_by = $2 WHERE name = $1', [name, by]);
}

export async function dbWritesEnabled(pool: pg.Pool, name = dbWritesFlag): Promise<boolean> {
  const row = await pool.query<{ enabled: boolean }>('SELECT enabled FROM ferry.feature_flags WHERE name = $1', [name]);
  return row.rows[0]?.enabled ?? false;
}
