/**
 * The migration engine's shared vocabulary: phases, options, counters and progress. Pure types and
 * small pure functions, safe to import from workflow code.
 *
 * Glossary:
 * - unit: the piece of work a kind moves as a whole (a session, a file, a batch of records); listed
 *   by inventory, numbered by its ordinal (0…unitsTotal-1) in inventory order.
 * - step: what is done to units in a phase (backup, convert, validate, cutover); each step of each
 *   unit is recorded in the unit ledger, which makes steps idempotent and rollback exact.
 * - compensation: the undo of one step over a range of ordinals, registered before the step runs.
 */

export const phases = [
  'pending', 'inventory', 'backup', 'convert', 'validate', 'awaiting-cutover', 'cutover', 'completed',
  'paused', 'rolling-back', 'rolled-back', 'failed',
] as const;
export type Phase = (typeof phases)[number];

/** Steps that act on units, in the order they run. `simulate` replaces the rest in a dry run. */
export type UnitStep = 'backup' | 'convert' | 'validate' | 'cutover' | 'simulate';

/** Whole-migration hooks a kind may have besides its unit steps. */
export type GlobalStep = 'prepare' | 'finish-cutover';

export type FailurePolicy = 'pause' | 'rollback';

export interface Throttle {
  /** Units started per second at most; undefined = no cap. */
  readonly unitsPerSecond?: number;
  /** Batches (activities) in flight at once. */
  readonly concurrency: number;
}

export interface MigrationOptions {
  readonly dryRun: boolean;
  /** Units per batch (one activity). */
  readonly batchSize: number;
  readonly throttle: Throttle;
  readonly requireApproval: boolean;
  readonly onFailure: FailurePolicy;
  /** Kind-specific filters and options, as JSON (for example `{ "sessions": [1, 2] }`). */
  readonly filters: Readonly<Record<string, unknown>>;
  /**
   * Seconds the workflow stays open after cutover, in phase `completed`, so a rollback signal can
   * still reach it (0 = close at once; `ferry rollback` still undoes a closed migration).
   */
  readonly rollbackWindowSeconds?: number;
}

export interface StartRequest {
  readonly kind: string;
  readonly options: MigrationOptions;
}

export interface Counters {
  unitsTotal: number;
  unitsDone: number;
  unitsFailed: number;
  unitsSkipped: number;
  recordsRead: number;
  recordsWritten: number;
  recordsRejected: number;
  bytesRead: number;
  bytesWritten: number;
}

export function emptyCounters(): Counters {
  return { unitsTotal: 0, unitsDone: 0, unitsFailed: 0, unitsSkipped: 0, recordsRead: 0, recordsWritten: 0, recordsRejected: 0, bytesRead: 0, bytesWritten: 0 };
}

/** What one unit step reported; the engine adds these up. */
export interface UnitOutcome {
  readonly key: string;
  readonly status: 'done' | 'skipped' | 'failed';
  readonly recordsRead?: number;
  readonly recordsWritten?: number;
  readonly recordsRejected?: number;
  readonly bytesRead?: number;
  readonly bytesWritten?: number;
  /** Why the unit failed or was skipped, with a stable code. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Validation differences, in the kind's report format (a few per unit at most). */
  readonly mismatches?: readonly string[];
  /** A checksum or fingerprint the step wants kept in the ledger. */
  readonly checksum?: string;
  /** Small per-unit facts kept in the ledger (dry-run estimates, file paths…). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** What a batch activity returns to the workflow: sums and a bounded sample, never row data. */
export interface BatchReport {
  readonly step: UnitStep;
  readonly fromOrdinal: number;
  readonly toOrdinal: number;
  readonly counters: Omit<Counters, 'unitsTotal'>;
  /** Keys of failed units with their reason (at most a few). */
  readonly failures: readonly { readonly key: string; readonly code: string; readonly message: string }[];
  readonly mismatches: readonly string[];
}

export interface RecentError {
  readonly at: string;
  readonly unit?: string;
  readonly code: string;
  readonly message: string;
}

export interface ValidationSummary {
  readonly checked: number;
  readonly passed: number;
  readonly failed: number;
  readonly mismatches: readonly string[];
}

/** What the progress query returns (and what `ferry status` prints). */
export interface Progress {
  readonly migrationId: string;
  readonly kind: string;
  readonly scope: string;
  readonly phase: Phase;
  /** The phase a paused migration resumes into. */
  readonly pausedFrom?: Phase;
  readonly pauseReason?: string;
  readonly dryRun: boolean;
  readonly counters: Counters;
  readonly percent: number;
  readonly currentUnits: readonly string[];
  readonly recentErrors: readonly RecentError[];
  readonly validation?: ValidationSummary;
  readonly throttle: Throttle;
  readonly rollbackReason?: string;
  /** Undo steps that failed during rollback: what could not be undone. */
  readonly rollbackFailures: readonly RecentError[];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly runsSoFar: number;
}

/** Percent of the work done, from counters: what the Web UI's FerryProgress column shows. */
export function percentDone(phase: Phase, counters: Counters): number {
  if (phase === 'completed' || phase === 'rolled-back') return 100;
  if (counters.unitsTotal === 0) return 0;
  const finished = counters.unitsDone + counters.unitsSkipped + counters.unitsFailed;
  return Math.min(100, Math.floor((finished / counters.unitsTotal) * 100));
}
