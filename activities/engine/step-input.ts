/** Inputs and results of the engine's activities: identifiers, ranges and counts only — never rows. */
import type { GlobalStep, MigrationOptions, UnitStep } from '../../src/engine/types';

export interface MigrationRef {
  readonly migrationId: string;
  readonly kind: string;
}

export interface RegisterInput extends MigrationRef {
  readonly workflowId: string;
  readonly scope: string;
  readonly options: MigrationOptions;
}

export interface RangeInput extends MigrationRef {
  readonly step: UnitStep;
  /** Ordinals [fromOrdinal, toOrdinal). */
  readonly fromOrdinal: number;
  readonly toOrdinal: number;
}

export interface GlobalInput extends MigrationRef {
  readonly step: GlobalStep;
}

export interface InventoryReport {
  readonly unitsTotal: number;
  readonly records: number;
  readonly bytes: number;
  /** The optional steps the kind has (prepare, backup, cutover, finish-cutover); the others are skipped. */
  readonly optionalSteps?: readonly string[];
}

export interface RollbackReport {
  readonly undone: number;
  readonly failures: readonly { readonly key: string; readonly code: string; readonly message: string }[];
}
