/**
 * Dry run: for each unit, exactly what convert would do — how many records it would create,
 * update, skip, reject (with ids and reasons) and mark deleted — by comparing checksums with
 * sync_data. Reads only: no quarantine, no history, no migration_runs row.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { goneRowsSql } from '../../src/sync-data/sync-writer';
import { syncUnitOf } from '../../src/sync-data/sync-unit';
import { readAndTransform, recordRef } from './read-unit';

/** Rejected records listed per unit (the counts are always exact). */
const maxListedRejects = 20;

export async function simulate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const pool = run.deps.db.pool;
  const outcomes: UnitOutcome[] = [];
  for (const row of units) {
    const unit = syncUnitOf(row.detail);
    if (unit.mode === 'delete') {
      const gone = goneRowsSql(unit, 1);
      const found = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${gone.sql}) g`, gone.params);
      const deleted = found.rows[0].n;
      outcomes.push({ key: row.key, status: 'done', recordsRead: deleted, detail: { created: 0, updated: 0, skipped: 0, rejected: 0, deleted } });
      continue;
    }
    const t = await readAndTransform(run, unit);
    const found = await pool.query<{ created: number; updated: number }>(
      `SELECT count(*) FILTER (WHERE s.id IS NULL)::int AS created,
              count(*) FILTER (WHERE s.id IS NOT NULL AND (s.checksum <> i.checksum OR s.deleted_at IS NOT NULL))::int AS updated
       FROM unnest($2::text[], $3::text[], $4::text[]) AS i(user_id, entity_id, checksum)
       LEFT JOIN public.sync_data s ON s.user_id = i.user_id AND s.entity_type = $1 AND s.entity_id = i.entity_id`,
      [unit.entity, t.good.map((r) => r.userId), t.good.map((r) => r.entityId), t.good.map((r) => r.checksum)],
    );
    const { created, updated } = found.rows[0];
    outcomes.push({
      key: row.key,
      status: 'done',
      recordsRead: t.read,
      recordsRejected: t.rejects.length,
      detail: {
        created, updated, skipped: t.good.length - created - updated, rejected: t.rejects.length, deleted: 0,
        rejects: t.rejects.slice(0, maxListedRejects).map((r) => ({ record: recordRef(r), reason: r.reason })),
      },
    });
    run.heartbeat({ unit: row.key });
  }
  return outcomes;
}
