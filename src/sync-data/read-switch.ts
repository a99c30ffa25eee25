/**
 * The application's read switch: a row of ferry.feature_flags the app checks to decide whether it
 * reads sync_data (enabled) or the backend tables. Cutover turns it on and remembers how it was;
 * rollback puts back exactly that (including "no row at all").
 */
import type pg from 'pg';
import { inTransaction } from '../db/transaction';

export const readSwitchFlag = 'backend-to-sync-data.read-sync-data';

/** Turns the switch on for `migrationId`, keeping the state before the first flip. Idempotent. */
export async function switchReadsToSyncData(pool: pg.Pool, migrationId: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    const current = await client.query<{ enabled: boolean }>('SELECT enabled FROM ferry.feature_flags WHERE name = $1 FOR UPDATE', [readSwitchFlag]);
    await client.query(
      `INSERT INTO ferry.sync_data_cutovers (migration_id, flag_name, previous_enabled) VALUES ($1, $2, $3) ON CONFLICT (migration_id) DO NOTHING`,
      [migrationId, readSwitchFlag, current.rows[0]?.enabled ?? null],
    );
    await client.query(
      `INSERT INTO ferry.feature_flags (name, enabled, updated_at, updated_by) VALUES ($1, true, now(), $2)
       ON CONFLICT (name) DO UPDATE SET enabled = true, updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [readSwitchFlag, `ferry:${migrationId}`],
    );
  });
}

/** Puts the switch back as it was before this migration's cutover; a no-op if it never flipped it. */
export async function restoreReadSwitch(pool: pg.Pool, migrationId: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    const saved = await client.query<{ previous_enabled: boolean | null }>(
      'DELETE FROM ferry.sync_data_cutovers WHERE migration_id = $1 RETURNING previous_enabled', [migrationId],
    );
    if (saved.rowCount) {
      const previous = saved.rows[0].previous_enabled;
      if (previous === null) await client.query('DELETE FROM ferry.feature_flags WHERE name = $1', [readSwitchFlag]);
      else {
        await client.query('UPDATE ferry.feature_flags SET enabled = $2, updated_at = now(), updated_by = $3 WHERE name = $1',
          [readSwitchFlag, previous, `ferry:${migrationId}:rollback`]);
      }
    }
  });
}

export async function readsSyncData(pool: pg.Pool): Promise<boolean> {
  const found = await pool.query<{ enabled: boolean }>('SELECT enabled FROM ferry.feature_flags WHERE name = $1', [readSwitchFlag]);
  return found.rows[0]?.enabled ?? false;
}
