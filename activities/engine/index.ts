/**
 * The engine's activities: generic over kinds, they find the kind in the registry, hand it a
 * StepRun and a list of units, record what it reports in the unit ledger, and return sums to the
 * workflow. Each is idempotent: a retried batch skips units the ledger shows as finished, and a
 * retried inventory starts over. Long batches heartbeat the next ordinal and resume from it.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { KindFactory, MigrationKind, UnitRow } from '../../src/engine/kind';
import { createStepRun } from '../../src/engine/step-run';
import type { BatchReport, Phase, UnitOutcome } from '../../src/engine/types';
import { FerryError } from '../../src/errors';
import type { ActivityDeps } from '../deps';
import { createKinds } from '../registry';
import { finishedKeys, insertUnits, loadOptions, loadUnits, operatorSkippedKeys, writeLedger } from './migration-store';
import type { GlobalInput, InventoryReport, MigrationRef, RangeInput, RegisterInput, RollbackReport } from './step-input';

const maxReportedFailures = 5;
const heartbeatSpacingMs = 200;
const maxReportedMismatches = 20;

export function createEngineActivities(deps: ActivityDeps, extraKinds: readonly KindFactory[] = []) {
  const kinds = createKinds(deps, extraKinds);
  const { pool } = deps.db;

  function kindOf(id: string): MigrationKind {
    const kind = kinds.get(id);
    if (!kind) {
      throw ApplicationFailure.nonRetryable(`Unknown migration kind "${id}"; this worker knows: ${[...kinds.keys()].join(', ')}`, 'UNKNOWN_KIND');
    }
    return kind;
  }

  async function stepRun(ref: MigrationRef) {
    const context = Context.current();
    // Kinds may heartbeat per record or per lap; the server sees at most a few a second anyway,
    // so calls closer than this to the last one sent are dropped before any encoding.
    let lastBeat = -Infinity;
    return createStepRun({
      migrationId: ref.migrationId,
      kind: ref.kind,
      options: await loadOptions(pool, ref.migrationId),
      deps,
      heartbeat: (detail) => {
        const now = performance.now();
        if (now - lastBeat < heartbeatSpacingMs) return;
        lastBeat = now;
        context.heartbeat(detail);
      },
      resumeDetail: context.info.heartbeatDetails,
      signal: context.cancellationSignal,
    });
  }

  /** Non-retryable FerryErrors become non-retryable failures with the same code; the rest retry. */
  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FerryError && !error.retryable) throw ApplicationFailure.nonRetryable(error.message, error.code);
      throw error;
    }
  }

  return {
    /** Records the migration in ferry.migrations (idempotent: a re-registration keeps the first start). */
    async registerMigration(input: RegisterInput): Promise<void> {
      kindOf(input.kind);
      await pool.query(
        `INSERT INTO ferry.migrations (id, kind, scope, options, phase) VALUES ($1, $2, $3, $4, 'pending')
         ON CONFLICT (id) DO UPDATE SET options = EXCLUDED.options, updated_at = now()`,
        [input.migrationId, input.kind, input.scope, JSON.stringify(input.options)],
      );
    },

    async recordPhase(input: MigrationRef & { phase: Phase; summary: Record<string, unknown> }): Promise<void> {
      const final = ['completed', 'rolled-back', 'failed'].includes(input.phase);
      await pool.query(
        `UPDATE ferry.migrations SET phase = $2, summary = $3, updated_at = now(),
           finished_at = CASE WHEN $4 THEN now() ELSE NULL END WHERE id = $1`,
        [input.migrationId, input.phase, JSON.stringify(input.summary), final],
      );
    },

    /** Lists the units (writes only ferry.units). Starts over when retried, so its result is exact. */
    async runInventory(ref: MigrationRef): Promise<InventoryReport> {
      const kind = kindOf(ref.kind);
      return guard(async () => {
        const run = await stepRun(ref);
        await pool.query('DELETE FROM ferry.units WHERE migration_id = $1', [ref.migrationId]);
        let cursor: string | undefined;
        let unitsTotal = 0;
        let records = 0;
        let bytes = 0;
        do {
          const page = await kind.inventory(run, cursor);
          await insertUnits(pool, ref.migrationId, unitsTotal, page.units);
          unitsTotal += page.units.length;
          for (const unit of page.units) {
            records += unit.records ?? 0;
            bytes += unit.bytes ?? 0;
          }
          cursor = page.nextCursor;
          run.heartbeat({ unitsListed: unitsTotal });
        } while (cursor !== undefined);
        const optionalSteps = [
          kind.prepare ? 'prepare' : '', kind.backup ? 'backup' : '', kind.cutover ? 'cutover' : '', kind.finishCutover ? 'finish-cutover' : '',
        ].filter(Boolean);
        return { unitsTotal, records, bytes, optionalSteps };
      });
    },

    async runGlobalStep(input: GlobalInput): Promise<Record<string, unknown>> {
      const kind = kindOf(input.kind);
      return guard(async () => {
        const run = await stepRun(input);
        const hook = input.step === 'prepare' ? kind.prepare : kind.finishCutover;
        return (await hook?.call(kind, run)) ?? {};
      });
    },

    async rollbackGlobalStep(input: GlobalInput): Promise<void> {
      const kind = kindOf(input.kind);
      await guard(async () => kind.rollbackGlobal?.call(kind, await stepRun(input), input.step));
    },

    /** Runs one step over the units [fromOrdinal, toOrdinal), resuming after the last heartbeat. */
    async runUnitStep(input: RangeInput): Promise<BatchReport> {
      const kind = kindOf(input.kind);
      return guard(async () => {
        const run = await stepRun(input);
        const stepFn = kind[input.step];
        const units = await loadUnits(pool, input.migrationId, input.fromOrdinal, input.toOrdinal);
        const keys = units.map((u) => u.key);
        const done = await finishedKeys(pool, input.migrationId, input.step, keys);
        const skippedByOperator = await operatorSkippedKeys(pool, input.migrationId, keys);
        const report = emptyReport(input);
        const perCall = Math.max(1, kind.unitsPerCall ?? 1);
        for (let i = 0; i < units.length; i += perCall) {
          const slice = units.slice(i, i + perCall);
          const skipped = slice.filter((unit) => skippedByOperator.has(unit.key) && !done.has(unit.key));
          const pending = slice.filter((unit) => !done.has(unit.key) && !skippedByOperator.has(unit.key));
          // Already finished by an earlier attempt: count as done, do nothing.
          report.counters.unitsDone += slice.length - pending.length - skipped.length;
          report.counters.unitsSkipped += skipped.length;
          if (pending.length === 0) continue;
          let outcomes: UnitOutcome[];
          if (!stepFn) {
            outcomes = pending.map((unit) => ({ key: unit.key, status: 'done' as const }));
          } else {
            outcomes = await stepFn.call(kind, run, pending);
            checkOutcomes(pending, outcomes, input.step);
          }
          await writeLedger(pool, input.migrationId, input.step, outcomes);
          addOutcomes(report, outcomes);
          run.heartbeat({ nextOrdinal: slice[slice.length - 1].ordinal + 1 });
          // Cancelled (the migration is rolling back): stop between calls, with everything done so far recorded.
          if (run.signal.aborted) throw new CancelledFailure(`${input.step} of units ${input.fromOrdinal}–${input.toOrdinal - 1} cancelled`);
        }
        return report;
      });
    },

    /** Marks the failed units of a range as skipped, with the operator's reason; returns how many. */
    async skipFailedUnits(input: RangeInput & { reason: string }): Promise<number> {
      const result = await pool.query(
        `UPDATE ferry.unit_ledger l SET status = 'skipped', updated_at = now(),
           detail = l.detail || jsonb_build_object('skipReason', $5::text)
         FROM ferry.units u
         WHERE l.migration_id = $1 AND l.step = $2 AND l.status = 'failed'
           AND u.migration_id = l.migration_id AND u.unit_key = l.unit_key AND u.ordinal >= $3 AND u.ordinal < $4`,
        [input.migrationId, input.step, input.fromOrdinal, input.toOrdinal, input.reason],
      );
      return result.rowCount ?? 0;
    },

    /** Undoes one step over a range, last unit first; every unit is tried, failures are reported. */
    async rollbackUnitStep(input: RangeInput): Promise<RollbackReport> {
      const kind = kindOf(input.kind);
      const run = await stepRun(input);
      const units = (await loadUnits(pool, input.migrationId, input.fromOrdinal, input.toOrdinal)).reverse();
      const failures: RollbackReport['failures'][number][] = [];
      let undone = 0;
      const perCall = Math.max(1, kind.unitsPerCall ?? 1);
      for (let i = 0; i < units.length; i += perCall) {
        const slice = units.slice(i, i + perCall);
        try {
          const outcomes = await kind.rollback(run, slice, input.step);
          for (const outcome of outcomes) {
            if (outcome.status === 'failed') failures.push({ key: outcome.key, code: outcome.error?.code ?? 'ROLLBACK_FAILED', message: outcome.error?.message ?? 'undo failed' });
            else undone++;
          }
          await pool.query(
            `UPDATE ferry.unit_ledger SET status = 'rolled-back', updated_at = now()
             WHERE migration_id = $1 AND step = $2 AND unit_key = ANY($3)`,
            [input.migrationId, input.step, outcomes.filter((o) => o.status !== 'failed').map((o) => o.key)],
          );
        } catch (error) {
          if (!(error instanceof FerryError) || error.retryable) throw error;
          for (const unit of slice) failures.push({ key: unit.key, code: error.code, message: error.message });
        }
        run.heartbeat({ undone });
      }
      return { undone, failures };
    },
  };
}

function emptyReport(input: RangeInput): BatchReport & { counters: BatchReport['counters']; failures: BatchReport['failures'][number][]; mismatches: string[] } {
  return {
    step: input.step,
    fromOrdinal: input.fromOrdinal,
    toOrdinal: input.toOrdinal,
    counters: { unitsDone: 0, unitsFailed: 0, unitsSkipped: 0, recordsRead: 0, recordsWritten: 0, recordsRejected: 0, bytesRead: 0, bytesWritten: 0 },
    failures: [],
    mismatches: [],
  };
}

function addOutcomes(report: ReturnType<typeof emptyReport>, outcomes: readonly UnitOutcome[]): void {
  const c = report.counters;
  for (const o of outcomes) {
    if (o.status === 'done') c.unitsDone++;
    else if (o.status === 'skipped') c.unitsSkipped++;
    else c.unitsFailed++;
    c.recordsRead += o.recordsRead ?? 0;
    c.recordsWritten += o.recordsWritten ?? 0;
    c.recordsRejected += o.recordsRejected ?? 0;
    c.bytesRead += o.bytesRead ?? 0;
    c.bytesWritten += o.bytesWritten ?? 0;
    if (o.status === 'failed' && report.failures.length < maxReportedFailures) {
      report.failures.push({ key: o.key, code: o.error?.code ?? 'FAILED', message: o.error?.message ?? (o.mismatches?.[0] ?? 'failed') });
    }
    for (const mismatch of o.mismatches ?? []) {
      if (report.mismatches.length < maxReportedMismatches) report.mismatches.push(`${o.key}: ${mismatch}`);
    }
  }
}

/** A kind must answer for exactly the units it was given; anything else is a bug worth stopping for. */
function checkOutcomes(units: readonly UnitRow[], outcomes: readonly UnitOutcome[], step: string): void {
  const expected = new Set(units.map((u) => u.key));
  const seen = new Set(outcomes.map((o) => o.key));
  if (outcomes.length !== units.length || [...expected].some((key) => !seen.has(key))) {
    throw ApplicationFailure.nonRetryable(`The kind's ${step} step returned outcomes for other units than it was given`, 'KIND_CONTRACT');
  }
}
