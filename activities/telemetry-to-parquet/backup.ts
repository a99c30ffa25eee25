/**
 * backup: nothing is deleted before cutover, so the backup is the source's fingerprint: per-lap
 * checksums (lap_telemetry row + its telemetry_channels rows, computed by PostgreSQL) that cutover
 * checks before deleting and that tests compare after a rollback.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { sessionIdOf } from './options';
import { sourceChecksums } from './source';

export async function backupUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const sums = await sourceChecksums(run.deps.db.pool, sessionIdOf(unit.key));
    out.push({ key: unit.key, status: 'done', checksum: sums.session, detail: { laps: sums.laps, orphans: sums.orphans } });
  }
  return out;
}
