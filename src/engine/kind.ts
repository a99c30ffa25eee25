/**
 * The contract a migration kind implements (activity side). The engine's workflow is written once;
 * a kind plugs in what is particular to its data: how to list units, and how to back up, convert,
 * validate, cut over and roll back a list of them. Every method must be idempotent — it may run
 * again after a crash — and `rollback` must be a no-op for units the step never touched.
 *
 * Kinds never see Temporal directly: they receive a StepRun with the database, configuration, a
 * heartbeat and a quarantine, and return UnitOutcomes. Bad input is reported as a failed or
 * skipped unit (or a quarantined record), never as a thrown error; a thrown error means "retry
 * me" (a flaky dependency) unless it is a FerryError with `retryable: false`.
 */
import type { ActivityDeps } from '../../activities/deps';
import type { GlobalStep, MigrationOptions, UnitOutcome, UnitStep } from './types';

export interface InventoryUnit {
  /** Stable, unique within the migration (a session id, a file name, `logbook_entry:u1:0-999`). */
  readonly key: string;
  /** Estimates for progress: records and bytes the unit holds. */
  readonly records?: number;
  readonly bytes?: number;
  /** Small facts later steps need (a path, a checksum, a row range), kept with the unit. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface InventoryPage {
  readonly units: readonly InventoryUnit[];
  /** Where the next page starts; undefined when this was the last page. */
  readonly nextCursor?: string;
}

/** A unit as the engine hands it to a step: as inventory listed it, with its ordinal. */
export interface UnitRow extends InventoryUnit {
  readonly ordinal: number;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface QuarantineEntry {
  readonly unitKey: string;
  /** The record: "file.csv line 17", "session 4 lap 2", "logbook_entry e-19". */
  readonly recordRef: string;
  readonly lineNumber?: number;
  readonly raw?: string;
  readonly code: string;
  readonly reason: string;
}

export interface StepRun {
  /** Unique per execution of a migration (stable across continue-as-new and retries). */
  readonly migrationId: string;
  readonly kind: string;
  readonly options: MigrationOptions;
  readonly deps: ActivityDeps;
  /** Records progress inside a unit (resumable detail) and lets cancellation through. */
  heartbeat(detail?: unknown): void;
  /** What the last attempt of this activity heartbeated, when it is a retry. */
  readonly resumeDetail?: unknown;
  /** Aborted when Temporal cancels the activity (seen at the next heartbeat). */
  readonly signal: AbortSignal;
  /** Records bad input kept out of the target (ferry.quarantine). Idempotent per (unit, recordRef). */
  quarantine(entries: readonly QuarantineEntry[]): Promise<void>;
  /** The ledger entries of earlier steps of this migration for these units (for example what convert wrote). */
  ledger(step: UnitStep, keys: readonly string[]): Promise<Map<string, { status: string; checksum?: string; detail: Record<string, unknown> }>>;
}

export interface FlagSpec {
  /** Commander syntax, for example '--session <ids...>' or '--full'. */
  readonly flag: string;
  readonly description: string;
  /** The filters key it fills; defaults to the flag's camel-cased name. */
  readonly key?: string;
  /** Turns the raw value into JSON (throw a FerryError on bad input). */
  readonly parse?: (value: string, previous: unknown) => unknown;
}

export interface SeedSpec {
  readonly flags: readonly FlagSpec[];
  /** Creates sample data (application tables or files) and says what it made. */
  run(deps: ActivityDeps, options: Readonly<Record<string, unknown>>): Promise<string>;
}

export interface MigrationKind {
  readonly id: string;
  readonly title: string;
  /** What rollback can and cannot undo, in a sentence or two. */
  readonly rollbackNotes: string;
  /** Kind-specific flags of `ferry start <kind>`. */
  readonly filterFlags: readonly FlagSpec[];
  /** Units handed to one call of a step (the engine heartbeats between calls). Default 1. */
  readonly unitsPerCall?: number;
  /**
   * Units per batch (one activity) when `ferry start` is not told (else 10). A kind whose units are
   * large (a session of telemetry) wants batches small enough to keep every batch slot busy.
   */
  readonly defaultBatchSize?: number;
  /** A short stable text naming what the filters cover ("all", "sessions=1,2"); part of the workflow id. */
  scope(filters: Readonly<Record<string, unknown>>): string;
  /** Lists units page by page. Must not write anything. */
  inventory(run: StepRun, cursor: string | undefined): Promise<InventoryPage>;
  /** Whole-migration work before per-unit steps (an archive of a whole folder…). */
  prepare?(run: StepRun): Promise<Readonly<Record<string, unknown>>>;
  backup?(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]>;
  /** Dry run: what convert would do to each unit, writing nothing anywhere. */
  simulate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]>;
  convert(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]>;
  validate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]>;
  cutover?(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]>;
  /** Whole-migration work after every unit is cut over (flip a flag, catch up late input). */
  finishCutover?(run: StepRun): Promise<Readonly<Record<string, unknown>>>;
  /** Undoes `step` for these units, in reverse order of the list; a no-op where it never ran. */
  rollback(run: StepRun, units: readonly UnitRow[], step: UnitStep): Promise<UnitOutcome[]>;
  /** Undoes a whole-migration hook. */
  rollbackGlobal?(run: StepRun, step: GlobalStep): Promise<void>;
  /** `ferry seed <kind>`. */
  readonly seed?: SeedSpec;
}

/** Builds a kind from the worker's dependencies (the registry calls it once per worker). */
export type KindFactory = (deps: ActivityDeps) => MigrationKind;
