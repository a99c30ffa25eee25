/** Reads a unit's backend records (read-only; the backend tables are never changed). */
import type pg from 'pg';
import { sourceTables } from './entity-types';
import type { SourceRow } from './source-rows';
import type { SyncUnit } from './sync-unit';

/**
 * The unit's source rows, ordered by id. `changedOnly` applies the unit's `since` watermark (what
 * convert and validate read in an incremental run).
 */
export async function readUnitSource(db: pg.Pool | pg.PoolClient, unit: SyncUnit, changedOnly: boolean): Promise<SourceRow[]> {
  const params: unknown[] = [unit.fromId, unit.toId];
  let where = 'id >= $1 AND id <= $2';
  if (changedOnly && unit.since !== null) {
    params.push(unit.since);
    where += ` AND updated_at > $${params.length}`;
  }
  if (unit.user !== null) {
    params.push(unit.user);
    where += ` AND user_id = $${params.length}`;
  }
  const result = await db.query<SourceRow>(`SELECT * FROM public.${sourceTables[unit.entity]} WHERE ${where} ORDER BY id`, params);
  return result.rows;
}
