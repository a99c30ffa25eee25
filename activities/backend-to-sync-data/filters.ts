/**
 * The kind's flags (`--user`, `--entity`, `--full`, `--records-per-unit`) and how they are read
 * back from MigrationOptions.filters.
 */
import type { FlagSpec } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';
import { entityTypes, isEntityType, type EntityType } from '../../src/sync-data/entity-types';
import type { RunFilters } from '../../src/sync-data/migration-runs';

export const defaultRecordsPerUnit = 1000;

export interface SyncFilters extends RunFilters {
  readonly recordsPerUnit: number;
  /** Flip the application's read switch at the end of this run (scheduled runs leave it alone). */
  readonly cutover: boolean;
}

export const filterFlags: readonly FlagSpec[] = [
  { flag: '--user <id>', description: 'only this user\'s records', key: 'user' },
  {
    flag: '--entity <type>', description: `only one entity type: ${entityTypes.join(', ')}`, key: 'entity',
    parse: (value) => {
      if (!isEntityType(value)) throw new FerryError('BAD_FILTER', `--entity "${value}" is not one of ${entityTypes.join(', ')}`);
      return value;
    },
  },
  { flag: '--full', description: 'reconcile every record, ignoring the watermark, and mark rows whose source record was deleted', key: 'full' },
  { flag: '--cutover', description: 'after validation (and approval, with --require-approval) switch the application\'s reads to sync_data', key: 'cutover' },
  {
    flag: '--records-per-unit <n>', description: `source records per unit (default ${defaultRecordsPerUnit})`, key: 'recordsPerUnit',
    parse: (value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new FerryError('BAD_FILTER', `--records-per-unit "${value}" is not a whole number ≥ 1`);
      return n;
    },
  },
];

export function readFilters(filters: Readonly<Record<string, unknown>>): SyncFilters {
  const entity = filters.entity ?? null;
  if (entity !== null && !isEntityType(entity)) {
    throw new FerryError('BAD_FILTER', `entity "${String(entity)}" is not one of ${entityTypes.join(', ')}`);
  }
  const perUnit = filters.recordsPerUnit === undefined ? defaultRecordsPerUnit : Number(filters.recordsPerUnit);
  return {
    user: typeof filters.user === 'string' && filters.user !== '' ? filters.user : null,
    entity: entity as EntityType | null,
    full: filters.full === true || filters.full === 'true',
    recordsPerUnit: Number.isInteger(perUnit) && perUnit > 0 ? perUnit : defaultRecordsPerUnit,
    cutover: filters.cutover === true || filters.cutover === 'true',
  };
}

/** Names what a migration covers; part of its workflow id. */
export function scopeOf(raw: Readonly<Record<string, unknown>>): string {
  const f = readFilters(raw);
  const parts = [f.entity ? `entity=${f.entity}` : '', f.user ? `user=${f.user}` : '', f.full ? 'full' : '', f.cutover ? 'cutover' : ''].filter(Boolean);
  return parts.length ? parts.join(',') : 'all';
}

/** What migration_runs.options records for a run. */
export function runOptionsOf(raw: Readonly<Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const f = readFilters(raw);
  return { scope: scopeOf(raw), coverage: f.entity || f.user ? [f.entity ? `entity=${f.entity}` : '', f.user ? `user=${f.user}` : ''].filter(Boolean).join(',') : 'all', ...f, ...extra };
}
