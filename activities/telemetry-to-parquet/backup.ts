/**
 * backup: nothing is deleted before cutover, so the backup is the source's fingerprint, taken
 * without reading any array: per lap, the row version (xmin) of the lap_telemetry row and of each
 * of its telemetry_channels rows. Any write to a lap changes it. Convert reads the laps at exactly
 * these versions (else SOURCE_CHANGED) and records each lap's content checksum from the bytes it
 * read; validate compares the file with those checksums, and cutover deletes only rows still at
 * these versions. The archive that rollback restores from is taken at cutover.
 */
import { createHash } from 'node:crypto';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { sessionIdOf } from './options';
import { sourceVersions } from './source';

export async function backupUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const versions = await sourceVersions(run.deps.db.pool, sessionIdOf(unit.key));
    out.push({ key: unit.key, status: 'done', checksum: createHash('sha256').update(JSON.stringify(versions)).digest('hex'), detail: { versions } });
  }
  return out;
}
