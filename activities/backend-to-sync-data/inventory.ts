/**
 * Lists the units: per entity type, the ids of source records to move (all of them in a full run,
 * else those updated after the last completed run's watermark), cut into ranges of
 * `recordsPerUnit`; in a full run also ranges of sync_data rows whose source record is gone.
 * Reads only. The watermark bounds (`since`, `until`) are fixed on the first page and ride along
 * in the cursor so every page agrees.
 */
import type { InventoryPage, InventoryUnit, StepRun } from '../../src/engine/kind';
import { sourceTables } from '../../src/sync-data/entity-types';
import { currentHighWater, entitiesOf, lastWatermark } from '../../src/sync-data/migration-runs';
import { unitKeyOf, type SyncUnit } from '../../src/sync-data/sync-unit';
import { readFilters } from './filters';

interface Cursor {
  readonly entityIndex: number;
  readonly mode: 'upsert' | 'delete';
  readonly after: string | null;
  readonly since: number | null;
  readonly until: number | null;
}

/** Units per inventory page. */
const unitsPerPage = 50;

export async function inventory(run: StepRun, rawCursor: string | undefined): Promise<InventoryPage> {
  const filters = readFilters(run.options.filters);
  const pool = run.deps.db.pool;
  const entities = entitiesOf(filters);
  let cursor: Cursor;
  if (rawCursor === undefined) {
    const since = filters.full ? null : await lastWatermark(pool, filters);
    cursor = { entityIndex: 0, mode: 'upsert', after: null, since, until: (await currentHighWater(pool, filters)) ?? since };
  } else {
    cursor = JSON.parse(rawCursor) as Cursor;
  }
  const entity = entities[cursor.entityIndex];
  const limit = unitsPerPage * filters.recordsPerUnit;
  const ids = cursor.mode === 'upsert'
    ? await pool.query<{ id: string }>(
      `SELECT id FROM public.${sourceTables[entity]}
       WHERE ($1::text IS NULL OR id > $1) AND ($2::bigint IS NULL OR updated_at > $2) AND ($3::text IS NULL OR user_id = $3)
       ORDER BY id LIMIT $4`,
      [cursor.after, cursor.since, filters.user, limit],
    )
    : await pool.query<{ id: string }>(
      `SELECT DISTINCT s.entity_id AS id FROM public.sync_data s
       WHERE s.entity_type = $1 AND s.deleted_at IS NULL AND ($2::text IS NULL OR s.entity_id > $2) AND ($3::text IS NULL OR s.user_id = $3)
         AND NOT EXISTS (SELECT 1 FROM public.${sourceTables[entity]} b WHERE b.id = s.entity_id AND b.user_id = s.user_id)
       ORDER BY 1 LIMIT $4`,
      [entity, cursor.after, filters.user, limit],
    );
  const units: InventoryUnit[] = [];
  for (let i = 0; i < ids.rows.length; i += filters.recordsPerUnit) {
    const slice = ids.rows.slice(i, i + filters.recordsPerUnit);
    const unit: SyncUnit = {
      entity, mode: cursor.mode, fromId: slice[0].id, toId: slice[slice.length - 1].id,
      since: cursor.mode === 'upsert' ? cursor.since : null, until: cursor.until, user: filters.user,
    };
    units.push({ key: unitKeyOf(unit), records: slice.length, detail: { ...unit } });
  }
  return { units, nextCursor: nextCursorOf(cursor, ids.rows.length === limit ? ids.rows[ids.rows.length - 1].id : null, entities.length, filters.full) };
}

function nextCursorOf(cursor: Cursor, lastId: string | null, entityCount: number, full: boolean): string | undefined {
  if (lastId !== null) return JSON.stringify({ ...cursor, after: lastId });
  if (cursor.mode === 'upsert' && full) return JSON.stringify({ ...cursor, mode: 'delete', after: null });
  if (cursor.entityIndex + 1 < entityCount) return JSON.stringify({ ...cursor, entityIndex: cursor.entityIndex + 1, mode: 'upsert', after: null });
  return undefined;
}
