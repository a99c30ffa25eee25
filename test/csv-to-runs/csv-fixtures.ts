/** Shared helpers for csv-to-runs tests: driving the steps directly, table and file snapshots. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { createCsvToRunsKind } from '../../activities/csv-to-runs';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import { createStepRun, defaultOptions } from '../../src/engine/step-run';
import type { UnitOutcome } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import type { TestContext } from '../support/harness';

export const kind = createCsvToRunsKind();

export function stepRun(t: TestContext, migrationId: string, filters: Record<string, unknown>, dryRun = false): StepRun {
  return createStepRun({ migrationId, kind: kind.id, options: defaultOptions({ filters, dryRun }), deps: { db: t.db, config: t.config, log: silentLogger } });
}

export async function listUnits(run: StepRun): Promise<UnitRow[]> {
  const units: UnitRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await kind.inventory(run, cursor);
    for (const u of page.units) units.push({ ...u, ordinal: units.length, detail: u.detail ?? {} });
    cursor = page.nextCursor;
  } while (cursor);
  return units;
}

export interface StepResults {
  units: UnitRow[];
  convert: UnitOutcome[];
  validate: UnitOutcome[];
  finish?: Readonly<Record<string, unknown>>;
}

/** inventory → prepare → convert → validate → finishCutover, as the engine orders them. */
export async function migrate(run: StepRun, until: 'convert' | 'validate' | 'cutover' = 'cutover'): Promise<StepResults> {
  const units = await listUnits(run);
  await kind.prepare!(run);
  const convert = await kind.convert(run, units);
  if (until === 'convert') return { units, convert, validate: [] };
  const validate = await kind.validate(run, units);
  if (until === 'validate') return { units, convert, validate };
  const finish = await kind.finishCutover!(run);
  return { units, convert, validate, finish };
}

/** What the engine does on rollback, in reverse order, for every unit listed. */
export async function rollBack(run: StepRun, units: UnitRow[]): Promise<UnitOutcome[]> {
  await kind.rollbackGlobal!(run, 'finish-cutover');
  const outcomes = await kind.rollback(run, units, 'convert');
  await kind.rollbackGlobal!(run, 'prepare');
  return outcomes;
}

export const targetTables = ['runs', 'run_samples', 'logger_events', 'config_profiles', 'config_applied_events'];

/** A checksum of every target table's rows (ids included). */
export async function tableChecksums(pool: pg.Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of targetTables) {
    const r = await pool.query<{ sum: string | null; n: number }>(`SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS sum, count(*)::int AS n FROM public.${table} t`);
    out[table] = `${r.rows[0].n}:${r.rows[0].sum ?? ''}`;
  }
  return out;
}

/** SHA-256 of every file under a folder (and extra files), by path. */
export function fileChecksums(dir: string, extra: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const files = readdirSync(dir, { recursive: true }).map((n) => path.join(dir, String(n))).filter((p) => statSync(p).isFile());
  for (const file of [...files, ...extra].sort()) out[file] = createHash('sha256').update(readFileSync(file)).digest('hex');
  return out;
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const r = await pool.query<{ n: number }>(sql, params);
  return r.rows[0].n;
}
