/**
 * Builds the StepRun a kind's step receives: Ferry's quarantine and unit ledger over the database,
 * plus the heartbeat and cancellation of whoever runs the step (a Temporal activity, or a test).
 */
import type { ActivityDeps } from '../../activities/deps';
import type { QuarantineEntry, StepRun } from './kind';
import type { MigrationOptions, UnitStep } from './types';

export interface StepRunInit {
  readonly migrationId: string;
  readonly kind: string;
  readonly options: MigrationOptions;
  readonly deps: ActivityDeps;
  readonly heartbeat?: (detail?: unknown) => void;
  readonly resumeDetail?: unknown;
  readonly signal?: AbortSignal;
}

export function createStepRun(init: StepRunInit): StepRun {
  const { db } = init.deps;
  return {
    migrationId: init.migrationId,
    kind: init.kind,
    options: init.options,
    deps: init.deps,
    heartbeat: init.heartbeat ?? (() => undefined),
    resumeDetail: init.resumeDetail,
    signal: init.signal ?? new AbortController().signal,
    async quarantine(entries: readonly QuarantineEntry[]) {
      if (entries.length === 0) return;
      await db.pool.query(
        `INSERT INTO ferry.quarantine (migration_id, kind, unit_key, record_ref, line_number, raw, code, reason)
         SELECT $1, $2, e.unit_key, e.record_ref, e.line_number, e.raw, e.code, e.reason
         FROM jsonb_to_recordset($3::jsonb) AS e(unit_key text, record_ref text, line_number int, raw text, code text, reason text)
         ON CONFLICT (migration_id, unit_key, record_ref) DO NOTHING`,
        [
          init.migrationId,
          init.kind,
          JSON.stringify(entries.map((e) => ({
            unit_key: e.unitKey, record_ref: e.recordRef, line_number: e.lineNumber ?? null, raw: e.raw ?? null, code: e.code, reason: e.reason,
          }))),
        ],
      );
    },
    async ledger(step: UnitStep, keys: readonly string[]) {
      const rows = await db.pool.query<{ unit_key: string; status: string; checksum: string | null; detail: Record<string, unknown> }>(
        'SELECT unit_key, status, checksum, detail FROM ferry.unit_ledger WHERE migration_id = $1 AND step = $2 AND unit_key = ANY($3)',
        [init.migrationId, step, keys],
      );
      return new Map(rows.rows.map((row) => [row.unit_key, { status: row.status, checksum: row.checksum ?? undefined, detail: row.detail }]));
    },
  };
}

/** Options for tests and direct calls: the defaults `ferry start` uses. */
export function defaultOptions(overrides: Partial<MigrationOptions> = {}): MigrationOptions {
  return {
    dryRun: false,
    batchSize: 50,
    throttle: { concurrency: 2 },
    requireApproval: false,
    onFailure: 'pause',
    filters: {},
    ...overrides,
  };
}
