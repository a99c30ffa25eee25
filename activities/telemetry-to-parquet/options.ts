/** The kind's filters (`--session`, `--out-dir`), unit keys and where its files go. */
import path from 'node:path';
import type { StepRun } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';

export const kindId = 'telemetry-to-parquet';

export interface TelemetryFilters {
  readonly sessions?: readonly number[];
  readonly outDir?: string;
}

/** A session id from the command line: a positive integer, else a non-retryable error naming it. */
export function parseSessionId(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0 || value > 2147483647) {
    throw new FerryError('SESSION_ID_INVALID', `session id "${raw}" is not a positive integer; pass ids like --session 12 14`, { retryable: false, record: { table: 'sessions', session: raw } });
  }
  return value;
}

export function filtersOf(filters: Readonly<Record<string, unknown>>): TelemetryFilters {
  const raw = filters.sessions ?? filters.session;
  const list = raw === undefined ? undefined : (Array.isArray(raw) ? raw : [raw]).map((v) => parseSessionId(String(v)));
  const outDir = typeof filters.outDir === 'string' && filters.outDir !== '' ? filters.outDir : undefined;
  return { sessions: list, outDir };
}

export function outDirOf(run: StepRun): string {
  return path.resolve(filtersOf(run.options.filters).outDir ?? path.join(run.deps.config.dataDir, 'telemetry'));
}

/** Archives of cut-over rows live beside the files, per migration. */
export function archiveDirOf(run: StepRun): string {
  return path.join(outDirOf(run), 'archive', run.migrationId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

export const unitKeyOf = (sessionId: number): string => `session:${sessionId}`;

export function sessionIdOf(key: string): number {
  const id = Number(key.slice('session:'.length));
  if (!key.startsWith('session:') || !Number.isInteger(id)) throw new FerryError('UNIT_KEY_INVALID', `unit key "${key}" is not "session:<id>"`, { retryable: false });
  return id;
}
