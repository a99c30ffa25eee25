/**
 * Drives the kind's steps in the order the engine does (inventory → ferry.units, prepare, convert,
 * validate, finishCutover; rollback in reverse), calling its methods directly on the real database.
 */
import { createBackendToSyncDataKind, kindId } from '../../activities/backend-to-sync-data';
import type { InventoryUnit, UnitRow } from '../../src/engine/kind';
import { createStepRun, defaultOptions } from '../../src/engine/step-run';
import type { UnitOutcome } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import type { TestContext } from '../support/harness';

export const kind = createBackendToSyncDataKind();

export interface Driven {
  readonly migrationId: string;
  readonly units: UnitRow[];
  readonly convert: UnitOutcome[];
  readonly validate: UnitOutcome[];
  readonly simulate: UnitOutcome[];
}

let counter = 0;

export function stepRunOf(t: TestContext, migrationId: string, filters: Record<string, unknown> = {}, dryRun = false) {
  return createStepRun({ migrationId, kind: kindId, options: defaultOptions({ filters, dryRun }), deps: { db: t.db, config: t.config, log: silentLogger } });
}

export async function listUnits(t: TestContext, migrationId: string, filters: Record<string, unknown>): Promise<UnitRow[]> {
  const run = stepRunOf(t, migrationId, filters);
  const listed: InventoryUnit[] = [];
  let cursor: string | undefined;
  do {
    const page = await kind.inventory(run, cursor);
    listed.push(...page.units);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const units = listed.map((u, ordinal) => ({ ...u, ordinal, detail: u.detail ?? {} }));
  for (const u of units) {
    await t.db.pool.query('INSERT INTO ferry.units (migration_id, ordinal, unit_key, records, detail) VALUES ($1, $2, $3, $4, $5)',
      [migrationId, u.ordinal, u.key, u.records ?? null, JSON.stringify(u.detail)]);
  }
  return units;
}

/** A whole run: every step up to validation (or simulate when dryRun). */
export async function runMigrationSteps(t: TestContext, filters: Record<string, unknown> = {}, options: { dryRun?: boolean; migrationId?: string } = {}): Promise<Driven> {
  const migrationId = options.migrationId ?? `sync-test-${++counter}-${Date.now()}`;
  const units = await listUnits(t, migrationId, filters);
  const run = stepRunOf(t, migrationId, filters, options.dryRun ?? false);
  const result: Driven = { migrationId, units, convert: [], validate: [], simulate: [] };
  const perCall = kind.unitsPerCall ?? 1;
  if (options.dryRun) {
    for (let i = 0; i < units.length; i += perCall) result.simulate.push(...await kind.simulate(run, units.slice(i, i + perCall)));
    return result;
  }
  await kind.prepare!(run);
  for (let i = 0; i < units.length; i += perCall) result.convert.push(...await kind.convert(run, units.slice(i, i + perCall)));
  for (let i = 0; i < units.length; i += perCall) result.validate.push(...await kind.validate(run, units.slice(i, i + perCall)));
  return result;
}

export async function rollbackSteps(t: TestContext, driven: Driven, filters: Record<string, unknown> = {}): Promise<UnitOutcome[]> {
  const run = stepRunOf(t, driven.migrationId, filters);
  await kind.rollbackGlobal!(run, 'finish-cutover');
  await kind.rollback(run, driven.units, 'validate');
  const undone = await kind.rollback(run, driven.units, 'convert');
  await kind.rollbackGlobal!(run, 'prepare');
  return undone;
}

/** md5 over every column of every sync_data row: equal means byte for byte equal. */
export async function syncDataChecksum(t: TestContext): Promise<string> {
  const r = await t.db.pool.query<{ sum: string | null }>(`SELECT md5(string_agg(s::text, E'\\n' ORDER BY user_id, entity_type, entity_id)) AS sum FROM public.sync_data s`);
  return r.rows[0].sum ?? 'empty';
}

export function sumDetail(outcomes: readonly UnitOutcome[], field: string): number {
  return outcomes.reduce((n, o) => n + Number((o.detail as Record<string, unknown> | undefined)?.[field] ?? 0), 0);
}

export async function count(t: TestContext, sql: string, params: unknown[] = []): Promise<number> {
  const r = await t.db.pool.query<{ n: number }>(sql, params);
  return Number(r.rows[0].n);
}
