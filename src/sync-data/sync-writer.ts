/**
 * Writes one unit to sync_data with set-based SQL: a single statement per unit inserts new rows,
 * updates rows whose checksum changed (version + 1) and leaves equal ones alone, and records in
 * ferry.sync_data_history — in the same statement, hence the same transaction — the unit's counts
 * and every touched row as it was before. That history row is also the unit's "done" mark.
 */
import type pg from 'pg';
import { sourceTables } from './entity-types';
import type { TransformedRecord } from './transform-record';
import type { SyncUnit } from './sync-unit';

export interface UnitCounts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  deleted: number;
}

export function zeroCounts(): UnitCounts {
  return { created: 0, updated: 0, skipped: 0, rejected: 0, deleted: 0 };
}

const upsertSql = `
WITH input AS (
  SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS i(user_id, entity_id, data, checksum)
),
changed AS (
  SELECT i.user_id, i.entity_id, i.data, i.checksum, to_jsonb(s) AS prev
  FROM input i
  LEFT JOIN public.sync_data s ON s.user_id = i.user_id AND s.entity_type = $7::text AND s.entity_id = i.entity_id
  WHERE s.id IS NULL OR s.checksum <> i.checksum OR s.deleted_at IS NOT NULL
),
written AS (
  INSERT INTO public.sync_data AS s (user_id, entity_type, entity_id, data, checksum)
  SELECT user_id, $7::text, entity_id, data::jsonb, checksum FROM changed
  ON CONFLICT (user_id, entity_type, entity_id) DO UPDATE
    SET data = EXCLUDED.data, checksum = EXCLUDED.checksum, version = s.version + 1, updated_at = now(), deleted_at = NULL
  RETURNING s.user_id, s.entity_id, s.version
)
INSERT INTO ferry.sync_data_history (migration_id, unit_key, counts, entries)
SELECT $1, $2,
  jsonb_build_object('created', count(*) FILTER (WHERE c.prev IS NULL), 'updated', count(*) FILTER (WHERE c.prev IS NOT NULL),
    'skipped', $8::int - count(*), 'rejected', $9::int, 'deleted', 0),
  COALESCE(jsonb_agg(jsonb_build_object('u', w.user_id, 't', $7::text, 'e', w.entity_id, 'v', w.version, 'prev', c.prev)), '[]'::jsonb)
FROM changed c JOIN written w ON w.user_id = c.user_id AND w.entity_id = c.entity_id
RETURNING counts`;

/** Upserts a unit's transformed records; returns its counts. Call inside a transaction. */
export async function upsertUnit(
  client: pg.PoolClient, migrationId: string, unitKey: string, unit: SyncUnit, records: readonly TransformedRecord[], rejected: number,
): Promise<UnitCounts> {
  const result = await client.query<{ counts: UnitCounts }>(upsertSql, [
    migrationId, unitKey,
    records.map((r) => r.userId), records.map((r) => r.entityId), records.map((r) => r.data), records.map((r) => r.checksum),
    unit.entity, records.length, rejected,
  ]);
  return result.rows[0].counts;
}

/** Rows of sync_data in the unit's range that are live but whose source record no longer exists. */
export function goneRowsSql(unit: SyncUnit, firstParam: number): { sql: string; params: unknown[] } {
  const n = firstParam;
  return {
    sql: `SELECT s.* FROM public.sync_data s
      WHERE s.entity_type = $${n} AND s.entity_id >= $${n + 1} AND s.entity_id <= $${n + 2} AND s.deleted_at IS NULL
        AND ($${n + 3}::text IS NULL OR s.user_id = $${n + 3})
        AND NOT EXISTS (SELECT 1 FROM public.${sourceTables[unit.entity]} b WHERE b.id = s.entity_id AND b.user_id = s.user_id)`,
    params: [unit.entity, unit.fromId, unit.toId, unit.user],
  };
}

/** Marks the unit's orphaned sync_data rows deleted (deleted_at, version + 1), with history. Call inside a transaction. */
export async function markDeletedUnit(client: pg.PoolClient, migrationId: string, unitKey: string, unit: SyncUnit): Promise<UnitCounts> {
  const gone = goneRowsSql(unit, 3);
  const result = await client.query<{ counts: UnitCounts }>(
    `WITH gone AS (${gone.sql}),
    written AS (
      UPDATE public.sync_data s SET deleted_at = now(), updated_at = now(), version = s.version + 1
      FROM gone g WHERE s.id = g.id RETURNING s.id, s.version
    )
    INSERT INTO ferry.sync_data_history (migration_id, unit_key, counts, entries)
    SELECT $1, $2,
      jsonb_build_object('created', 0, 'updated', 0, 'skipped', 0, 'rejected', 0, 'deleted', count(*)),
      COALESCE(jsonb_agg(jsonb_build_object('u', g.user_id, 't', g.entity_type, 'e', g.entity_id, 'v', w.version, 'prev', to_jsonb(g))), '[]'::jsonb)
    FROM gone g JOIN written w ON w.id = g.id
    RETURNING counts`,
    [migrationId, unitKey, ...gone.params],
  );
  return result.rows[0].counts;
}

/** The counts a unit recorded when an earlier attempt already converted it; undefined if none did. */
export async function convertedCounts(db: pg.Pool | pg.PoolClient, migrationId: string, unitKey: string): Promise<UnitCounts | undefined> {
  const found = await db.query<{ counts: UnitCounts }>('SELECT counts FROM ferry.sync_data_history WHERE migration_id = $1 AND unit_key = $2', [migrationId, unitKey]);
  return found.rows[0]?.counts;
}
