/**
 * The kind's steps called directly on a test context's real database and files, each outcome
 * recorded in the unit ledger as the engine records it (for tests of what one step does to the next).
 */
import { createTelemetryToParquetKind } from '../../activities/telemetry-to-parquet';
import { writeLedger } from '../../activities/engine/migration-store';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import { createStepRun, defaultOptions } from '../../src/engine/step-run';
import type { UnitOutcome, UnitStep } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import type { TestContext } from '../support/harness';

/** `context` is read at each call: the test context opens in beforeAll. */
export function stepCalls(context: () => TestContext, migrationPrefix: string) {
  const kind = createTelemetryToParquetKind();
  let migrations = 0;
  return {
    kind,
    /** A run of a migration of its own. */
    newRun(): StepRun {
      const t = context();
      return createStepRun({ migrationId: `${migrationPrefix}-${++migrations}`, kind: kind.id, options: defaultOptions(), deps: { db: t.db, config: t.config, log: silentLogger } });
    },
    async step(run: StepRun, name: Exclude<UnitStep, 'simulate' | 'inventory'>, units: UnitRow[]): Promise<UnitOutcome[]> {
      const outcomes = await kind[name]!(run, units);
      await writeLedger(context().db.pool, run.migrationId, name, outcomes);
      return outcomes;
    },
  };
}
