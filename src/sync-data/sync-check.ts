/**
 * The verify-migration checks for one unit: every source record the unit covers (in an incremental
 * run: those changed since the watermark; in a full run: all of the range) that transforms cleanly
 * must have a live sync_data row whose checksum equals the one recomputed from the source and whose
 * data equals the transformed entity; per user, the counts must agree. In a full run, no live row
 * may remain whose source record is gone.
 */
import type pg from 'pg';
import { readUnitSource } from './source-reader';
import { goneRowsSql } from './sync-writer';
import type { SyncUnit } from './sync-unit';
import { transformRecord, type TransformedRecord } from './transform-record';

export interface UnitCheck {
  readonly checked: number;
  readonly rejected: number;
  readonly mismatches: readonly string[];
  /** Per user: source records that transform cleanly vs live, equal sync_data rows. */
  readonly perUser: Readonly<Record<string, { source: number; synced: number }>>;
}

const maxListed = 5;

export async function checkUnit(pool: pg.Pool, unit: SyncUnit): Promise<UnitCheck> {
  if (unit.mode === 'delete') {
    const gone = goneRowsSql(unit, 1);
    const left = await pool.query<{ user_id: string; entity_id: string }>(`SELECT user_id, entity_id FROM (${gone.sql}) g LIMIT ${maxListed}`, gone.params);
    return {
      checked: 0, rejected: 0, perUser: {},
      mismatches: left.rows.map((r) => `${unit.entity} ${r.user_id}/${r.entity_id}: source record is gone but sync_data row is not marked deleted`),
    };
  }
  const rows = await readUnitSource(pool, unit, true);
  const good: TransformedRecord[] = [];
  let rejected = 0;
  for (const row of rows) {
    const result = transformRecord(unit.entity, row);
    if (result.ok) good.push(result);
    else rejected++;
  }
  const bad = await pool.query<{ user_id: string; entity_id: string; problem: string }>(
    `SELECT i.user_id, i.entity_id,
       CASE WHEN s.id IS NULL THEN 'missing from sync_data'
            WHEN s.deleted_at IS NOT NULL THEN 'marked deleted though the source record exists'
            WHEN s.checksum <> i.checksum THEN 'checksum ' || s.checksum || ' differs from the source''s ' || i.checksum
            ELSE 'data differs from the transformed source record' END AS problem
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS i(user_id, entity_id, data, checksum)
     LEFT JOIN public.sync_data s ON s.user_id = i.user_id AND s.entity_type = $1 AND s.entity_id = i.entity_id
     WHERE s.id IS NULL OR s.deleted_at IS NOT NULL OR s.checksum <> i.checksum OR s.data <> i.data::jsonb`,
    [unit.entity, good.map((r) => r.userId), good.map((r) => r.entityId), good.map((r) => r.data), good.map((r) => r.checksum)],
  );
  const perUser: Record<string, { source: number; synced: number }> = {};
  for (const record of good) {
    const tally = (perUser[record.userId] ??= { source: 0, synced: 0 });
    tally.source++;
    tally.synced++;
  }
  for (const row of bad.rows) perUser[row.user_id].synced--;
  return {
    checked: good.length,
    rejected,
    perUser,
    mismatches: bad.rows.slice(0, maxListed).map((r) => `${unit.entity} ${r.user_id}/${r.entity_id}: ${r.problem}`)
      .concat(bad.rows.length > maxListed ? [`${unit.entity}: ${bad.rows.length - maxListed} more mismatched records`] : []),
  };
}
