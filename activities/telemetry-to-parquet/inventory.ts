/**
 * inventory: sessions that have lap_telemetry rows and no verified file (a file a validate step of
 * this kind passed, still on disk with the validated size), narrowed by `--session`; with counts of
 * laps, samples and auxiliary channel rows. Session ids that are not positive integers are listed
 * too, so that their laps are quarantined and the totals reconcile. Writes nothing.
 */
import { stat } from 'node:fs/promises';
import type { InventoryPage, InventoryUnit, StepRun } from '../../src/engine/kind';
import { standardChannels } from '../../src/telemetry/types';
import { filtersOf, kindId, unitKeyOf } from './options';

const pageSize = 200;
// Stored (compressed) size of the arrays, column by column: a whole-row pg_column_size(t.*) would
// fetch every array out of TOAST just to measure it.
const storedBytesSql = standardChannels.map((c) => `coalesce(pg_column_size(t."${c}"), 0)`).join(' + ');

export async function inventoryPage(run: StepRun, cursor: string | undefined): Promise<InventoryPage> {
  const { sessions } = filtersOf(run.options.filters);
  const after = cursor === undefined ? -2147483649 : Number(cursor);
  const pool = run.deps.db.pool;
  const rows = await pool.query<{ session_id: number; laps: number; samples: string; bytes: string }>(
    `SELECT session_id, count(*)::int AS laps, coalesce(sum(cardinality(time)), 0)::text AS samples, sum(${storedBytesSql})::text AS bytes
     FROM lap_telemetry t WHERE session_id > $1::bigint AND ($2::int[] IS NULL OR session_id = ANY($2))
     GROUP BY session_id ORDER BY session_id LIMIT $3`, [after, sessions ?? null, pageSize]);
  const ids = rows.rows.map((r) => r.session_id);
  const aux = await pool.query<{ session_id: number; n: number }>(
    `SELECT t.session_id, count(*)::int AS n FROM telemetry_channels c JOIN lap_telemetry t ON t.lap_id = c.lap_id WHERE t.session_id = ANY($1) GROUP BY 1`, [ids]);
  const auxBy = new Map(aux.rows.map((r) => [r.session_id, r.n]));
  const verified = await pool.query<{ unit_key: string; detail: { file?: string; bytes?: number } }>(
    `SELECT DISTINCT ON (l.unit_key) l.unit_key, l.detail FROM ferry.unit_ledger l JOIN ferry.migrations m ON m.id = l.migration_id
     WHERE m.kind = $1 AND l.step = 'validate' AND l.status = 'done' AND l.unit_key = ANY($2) ORDER BY l.unit_key, l.updated_at DESC`,
    [kindId, ids.map(unitKeyOf)]);
  const done = new Set<string>();
  for (const v of verified.rows) {
    const size = v.detail.file ? await stat(v.detail.file).then((s) => s.size, () => -1) : -1;
    if (size >= 0 && size === v.detail.bytes) done.add(v.unit_key);
  }
  const units: InventoryUnit[] = rows.rows
    .filter((r) => !done.has(unitKeyOf(r.session_id)))
    .map((r) => ({ key: unitKeyOf(r.session_id), records: Number(r.samples), bytes: Number(r.bytes), detail: { sessionId: r.session_id, laps: r.laps, samples: Number(r.samples), auxChannels: auxBy.get(r.session_id) ?? 0 } }));
  return { units, nextCursor: rows.rows.length === pageSize ? String(ids[ids.length - 1]) : undefined };
}
