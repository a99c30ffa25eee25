/**
 * Undoes what one migration did to one unit's sync_data rows, from ferry.sync_data_history:
 * rows it created are deleted, rows it updated or marked deleted get back their exact previous
 * columns (data, checksum, version, timestamps). A row changed again since (a later run wrote
 * another version) is a conflict: nothing of the unit is undone and the rows are named.
 */
import type pg from 'pg';

export interface RestoreResult {
  readonly restored: number;
  /** "goal u1/g-7 is at version 3, this run wrote 2" — empty when the undo went through. */
  readonly conflicts: readonly string[];
}

const historyCte = `h AS (
  SELECT e FROM ferry.sync_data_history hh, jsonb_array_elements(hh.entries) e
  WHERE hh.migration_id = $1 AND hh.unit_key = $2
)`;

/** Restores one unit inside the caller's transaction; a no-op when the unit has no history. */
export async function restoreUnit(client: pg.PoolClient, migrationId: string, unitKey: string): Promise<RestoreResult> {
  const locked = await client.query('SELECT 1 FROM ferry.sync_data_history WHERE migration_id = $1 AND unit_key = $2 FOR UPDATE', [migrationId, unitKey]);
  if (locked.rowCount === 0) return { restored: 0, conflicts: [] };
  const conflicts = await client.query<{ t: string; u: string; e: string; v: number; current: number | null }>(
    `WITH ${historyCte}
     SELECT h.e->>'t' AS t, h.e->>'u' AS u, h.e->>'e' AS e, (h.e->>'v')::int AS v, s.version AS current
     FROM h LEFT JOIN public.sync_data s ON s.user_id = h.e->>'u' AND s.entity_type = h.e->>'t' AND s.entity_id = h.e->>'e'
     WHERE s.id IS NULL OR s.version <> (h.e->>'v')::int
     LIMIT 5`,
    [migrationId, unitKey],
  );
  if (conflicts.rowCount) {
    return {
      restored: 0,
      conflicts: conflicts.rows.map((c) => `${c.t} ${c.u}/${c.e} is ${c.current === null ? 'gone' : `at version ${c.current}`}, this run wrote version ${c.v}`),
    };
  }
  const result = await client.query<{ removed: number; restored: number }>(
    `WITH ${historyCte},
    removed AS (
      DELETE FROM public.sync_data s USING h
      WHERE jsonb_typeof(h.e->'prev') = 'null'
        AND s.user_id = h.e->>'u' AND s.entity_type = h.e->>'t' AND s.entity_id = h.e->>'e' AND s.version = (h.e->>'v')::int
      RETURNING s.id
    ),
    restored AS (
      UPDATE public.sync_data s
      SET data = p.data, checksum = p.checksum, version = p.version, created_at = p.created_at, updated_at = p.updated_at, deleted_at = p.deleted_at
      FROM (SELECT (jsonb_populate_record(NULL::public.sync_data, h.e->'prev')).*, (h.e->>'v')::int AS written_version
            FROM h WHERE jsonb_typeof(h.e->'prev') = 'object') p
      WHERE s.id = p.id AND s.version = p.written_version
      RETURNING s.id
    )
    SELECT (SELECT count(*) FROM removed)::int AS removed, (SELECT count(*) FROM restored)::int AS restored`,
    [migrationId, unitKey],
  );
  await client.query('DELETE FROM ferry.sync_data_history WHERE migration_id = $1 AND unit_key = $2', [migrationId, unitKey]);
  return { restored: result.rows[0].removed + result.rows[0].restored, conflicts: [] };
}
