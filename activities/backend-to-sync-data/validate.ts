/**
 * The seed's verify-migration checks as a step: for each unit, every source record that transforms
 * cleanly has a live sync_data row with the checksum recomputed from the source and equal data,
 * per-user counts agree, and (full runs) no orphaned live row is left. The last unit to pass closes
 * the run in migration_runs (status 'completed', watermark).
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { recordCheck } from '../../src/sync-data/migration-runs';
import { checkUnit } from '../../src/sync-data/sync-check';
import { syncUnitOf } from '../../src/sync-data/sync-unit';
import { inTransaction } from '../../src/db/transaction';

export async function validate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const outcomes: UnitOutcome[] = [];
  const checks: { unitKey: string; passed: boolean; detail: Record<string, unknown> }[] = [];
  let watermark: number | null = null;
  for (const row of units) {
    const unit = syncUnitOf(row.detail);
    watermark = unit.until;
    const check = await checkUnit(run.deps.db.pool, unit);
    const usersOff = Object.entries(check.perUser).filter(([, c]) => c.source !== c.synced).slice(0, 5)
      .map(([user, c]) => ({ user, source: c.source, synced: c.synced }));
    const detail = { checked: check.checked, rejected: check.rejected, users: Object.keys(check.perUser).length, usersOff };
    const passed = check.mismatches.length === 0;
    checks.push({ unitKey: row.key, passed, detail });
    outcomes.push({
      key: row.key,
      status: passed ? 'done' : 'failed',
      recordsRead: check.checked + check.rejected,
      recordsRejected: check.rejected,
      mismatches: check.mismatches,
      error: passed ? undefined : { code: 'VALIDATION_MISMATCH', message: check.mismatches[0] },
      detail,
    });
    run.heartbeat({ unit: row.key });
  }
  if (checks.length) await inTransaction(run.deps.db.pool, (client) => recordCheck(client, run.migrationId, checks, watermark));
  return outcomes;
}
