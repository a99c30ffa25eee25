/**
 * The application's `migration_runs` table, as the original script kept it: one row per run with
 * its start and end, status, options, counts and watermark. A run is "completed" once every unit it
 * listed passed validation; its watermark (the latest source updated_at it covered) is where the
 * next incremental run over the same records starts. Rolled-back runs keep their row, marked.
 */
import type pg from 'pg';
import { entityTypes, isEntityType, sourceTables, type EntityType } from './entity-types';
import type { UnitCounts } from './sync-writer';

export interface RunFilters {
  readonly user: string | null;
  readonly entity: EntityType | null;
  readonly full: boolean;
}

/** What records a run covers, ignoring how (full or incremental): runs of equal coverage share a watermark. */
export function coverageOf(filters: RunFilters): string {
  const parts = [filters.entity ? `entity=${filters.entity}` : '', filters.user ? `user=${filters.user}` : ''].filter(Boolean);
  return parts.length ? parts.join(',') : 'all';
}

export function entitiesOf(filters: RunFilters): readonly EntityType[] {
  return filters.entity && isEntityType(filters.entity) ? [filters.entity] : entityTypes;
}

/** The watermark of the latest completed run that covered these records (or everything); null if none. */
export async function lastWatermark(db: pg.Pool, filters: RunFilters): Promise<number | null> {
  const found = await db.query<{ watermark: string | null }>(
    `SELECT max(watermark)::text AS watermark FROM public.migration_runs
     WHERE status = 'completed' AND watermark IS NOT NULL AND options->>'coverage' IN ($1, 'all')`,
    [coverageOf(filters)],
  );
  return found.rows[0].watermark === null ? null : Number(found.rows[0].watermark);
}

/** The latest updated_at among the records in scope now: this run's watermark. */
export async function currentHighWater(db: pg.Pool, filters: RunFilters): Promise<number | null> {
  const parts = entitiesOf(filters).map((e) => `SELECT max(updated_at) AS m FROM public.${sourceTables[e]} WHERE ($1::text IS NULL OR user_id = $1)`);
  const found = await db.query<{ m: string | null }>(`SELECT max(m)::text AS m FROM (${parts.join(' UNION ALL ')}) x`, [filters.user]);
  return found.rows[0].m === null ? null : Number(found.rows[0].m);
}

/** The run's row id, creating the row ('running') the first time. Call inside a transaction. */
export async function ensureRun(client: pg.PoolClient, migrationId: string, options: Readonly<Record<string, unknown>>): Promise<number> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migration_runs:${migrationId}`]);
  const found = await client.query<{ id: number }>('SELECT id FROM public.migration_runs WHERE workflow_id = $1', [migrationId]);
  if (found.rowCount) return found.rows[0].id;
  const created = await client.query<{ id: number }>(
    `INSERT INTO public.migration_runs (workflow_id, status, options) VALUES ($1, 'running', $2) RETURNING id`,
    [migrationId, JSON.stringify(options)],
  );
  return created.rows[0].id;
}

export async function addCounts(client: pg.PoolClient, runId: number, counts: UnitCounts): Promise<void> {
  await client.query(
    `UPDATE public.migration_runs SET created = created + $2, updated = updated + $3, skipped = skipped + $4,
       rejected = rejected + $5, deleted = deleted + $6 WHERE id = $1`,
    [runId, counts.created, counts.updated, counts.skipped, counts.rejected, counts.deleted],
  );
}

/**
 * Records one unit's validation and, when every unit the engine listed for this migration has
 * passed, closes the run: status 'completed', completed_at, watermark. The advisory lock makes the
 * count and the close one step, so exactly one of several concurrent batches closes the run.
 */
export async function recordCheck(
  client: pg.PoolClient, migrationId: string, checks: readonly { unitKey: string; passed: boolean; detail: Record<string, unknown> }[], watermark: number | null,
): Promise<boolean> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migration_runs:${migrationId}`]);
  await client.query(
    `INSERT INTO ferry.sync_data_checks (migration_id, unit_key, passed, detail)
     SELECT $1, c.unit_key, c.passed, c.detail FROM jsonb_to_recordset($2::jsonb) AS c(unit_key text, passed boolean, detail jsonb)
     ON CONFLICT (migration_id, unit_key) DO UPDATE SET passed = EXCLUDED.passed, detail = EXCLUDED.detail, checked_at = now()`,
    [migrationId, JSON.stringify(checks.map((c) => ({ unit_key: c.unitKey, passed: c.passed, detail: c.detail })))],
  );
  if (checks.some((c) => !c.passed)) {
    await client.query(`UPDATE public.migration_runs SET status = 'validation-failed' WHERE workflow_id = $1 AND status = 'running'`, [migrationId]);
    return false;
  }
  return closeRunIfComplete(client, migrationId, watermark);
}

/** Closes the run when all of its units passed validation (also right away when it had none). */
export async function closeRunIfComplete(client: pg.PoolClient, migrationId: string, watermark: number | null): Promise<boolean> {
  const tally = await client.query<{ units: number; passed: number }>(
    `SELECT (SELECT count(*) FROM ferry.units WHERE migration_id = $1)::int AS units,
            (SELECT count(*) FROM ferry.sync_data_checks WHERE migration_id = $1 AND passed)::int AS passed`,
    [migrationId],
  );
  if (tally.rows[0].passed < tally.rows[0].units) return false;
  const closed = await client.query(
    `UPDATE public.migration_runs SET status = 'completed', completed_at = now(), watermark = $2
     WHERE workflow_id = $1 AND status IN ('running', 'validation-failed')`,
    [migrationId, watermark],
  );
  return (closed.rowCount ?? 0) > 0;
}

export async function markRun(db: pg.Pool | pg.PoolClient, migrationId: string, status: 'rolled-back'): Promise<void> {
  await db.query('UPDATE public.migration_runs SET status = $2, completed_at = now() WHERE workflow_id = $1', [migrationId, status]);
}
