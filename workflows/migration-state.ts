/**
 * The state a migration workflow carries from run to run (continue-as-new) and the pure helpers
 * over it. Small by design: ranges and counts, bounded lists.
 */
import type { BatchReport, Counters, GlobalStep, MigrationOptions, Phase, RecentError, UnitStep, ValidationSummary } from '../src/engine/types';
import { emptyCounters, percentDone } from '../src/engine/types';

/** The undo of one step, over ordinals [from, to), registered before the step runs. */
export type Compensation =
  | { readonly step: UnitStep; readonly from: number; readonly to: number }
  | { readonly step: GlobalStep };

export interface FailedRange {
  readonly step: UnitStep;
  readonly from: number;
  readonly to: number;
}

export interface MigrationState {
  readonly migrationId: string;
  readonly kind: string;
  readonly scope: string;
  options: MigrationOptions;
  phase: Phase;
  /** For a paused migration: the phase it resumes into. */
  pausedFrom?: Phase;
  pauseReason?: string;
  counters: Counters;
  /** The unit step in progress and the next ordinal to start. */
  cursor?: { readonly step: UnitStep; next: number };
  compensations: Compensation[];
  /** Batches whose units failed, waiting for an operator's decision. */
  failedRanges: FailedRange[];
  /** Batches to run again after a resume (carried across continue-as-new). */
  retryRanges: FailedRange[];
  recentErrors: RecentError[];
  rollbackFailures: RecentError[];
  validation?: { checked: number; passed: number; failed: number; mismatches: string[] };
  approved: boolean;
  rollbackReason?: string;
  startedAt: string;
  runsSoFar: number;
  /** Optional steps the kind has; stages for the others are skipped (set when the patch is in force). */
  optionalSteps?: string[];
  /** Inventory's estimate, shown in the details. */
  inventoryRecords: number;
  inventoryBytes: number;
}

export function initialState(migrationId: string, kind: string, scope: string, options: MigrationOptions, now: string): MigrationState {
  return {
    migrationId, kind, scope, options,
    phase: 'pending',
    counters: emptyCounters(),
    compensations: [],
    failedRanges: [],
    retryRanges: [],
    recentErrors: [],
    rollbackFailures: [],
    approved: false,
    startedAt: now,
    runsSoFar: 1,
    inventoryRecords: 0,
    inventoryBytes: 0,
  };
}

/** Registers an undo; a range that continues the last one of the same step is merged into it. */
export function pushCompensation(list: Compensation[], next: Compensation): void {
  const last = list[list.length - 1];
  if (last && 'from' in last && 'from' in next && last.step === next.step && last.to === next.from) {
    list[list.length - 1] = { step: last.step, from: last.from, to: next.to };
    return;
  }
  if (!('from' in next) && list.some((c) => !('from' in c) && c.step === next.step)) return;
  list.push(next);
}

export function addBatch(counters: Counters, report: BatchReport, countRecords: boolean): void {
  counters.unitsDone += report.counters.unitsDone;
  counters.unitsFailed += report.counters.unitsFailed;
  counters.unitsSkipped += report.counters.unitsSkipped;
  if (!countRecords) return;
  counters.recordsRead += report.counters.recordsRead;
  counters.recordsWritten += report.counters.recordsWritten;
  counters.recordsRejected += report.counters.recordsRejected;
  counters.bytesRead += report.counters.bytesRead;
  counters.bytesWritten += report.counters.bytesWritten;
}

export function pushError(list: RecentError[], error: RecentError, keep = 10): void {
  list.push(error);
  if (list.length > keep) list.splice(0, list.length - keep);
}

/** The markdown the Web UI shows as the workflow's current details. */
export function detailsMarkdown(state: MigrationState, validation?: ValidationSummary): string {
  const c = state.counters;
  const rows = [
    `**${state.kind}** · scope \`${state.scope}\` · phase **${state.phase}**${state.pauseReason ? ` (${state.pauseReason})` : ''}${state.options.dryRun ? ' · dry run' : ''}`,
    '',
    '| units total | done | failed | skipped | records read | written | rejected | bytes in | bytes out | progress |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${c.unitsTotal} | ${c.unitsDone} | ${c.unitsFailed} | ${c.unitsSkipped} | ${c.recordsRead} | ${c.recordsWritten} | ${c.recordsRejected} | ${c.bytesRead} | ${c.bytesWritten} | ${percentDone(state.phase, c)}% |`,
  ];
  if (validation) {
    rows.push('', `Validation: ${validation.passed}/${validation.checked} units passed${validation.failed ? `, **${validation.failed} failed**` : ''}.`);
    for (const mismatch of validation.mismatches.slice(0, 5)) rows.push(`- ${mismatch}`);
  }
  if (state.recentErrors.length) {
    rows.push('', 'Recent errors:');
    for (const error of state.recentErrors.slice(-3)) rows.push(`- ${error.unit ? `\`${error.unit}\` ` : ''}${error.code}: ${error.message}`);
  }
  if (state.rollbackFailures.length) {
    rows.push('', 'Could not be undone:');
    for (const error of state.rollbackFailures.slice(-5)) rows.push(`- ${error.unit ? `\`${error.unit}\` ` : ''}${error.code}: ${error.message}`);
  }
  return rows.join('\n');
}
