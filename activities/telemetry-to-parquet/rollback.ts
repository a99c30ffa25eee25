/**
 * rollback: cutover → restore the archived rows (same ids, same bytes) and remove the archive;
 * convert → remove the session file (and stray temporary files) when this migration wrote it;
 * validate and backup → nothing to undo. Every branch is a no-op where its step never ran.
 */
import { rm } from 'node:fs/promises';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome, UnitStep } from '../../src/engine/types';
import { sessionFilePath } from '../../src/telemetry/parquet-store';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import { restoreArchive } from './archive';
import { removeStrayTemps, writerKey } from './convert';
import { archiveDirOf, outDirOf, sessionIdOf } from './options';

async function removeOwnFile(run: StepRun, sessionId: number): Promise<'removed' | 'absent' | 'kept'> {
  const dir = outDirOf(run);
  const file = sessionFilePath(dir, sessionId);
  await removeStrayTemps(dir, sessionId);
  let owner: string | undefined;
  try {
    const reader = await ParquetSessionReader.open(file);
    owner = reader.info.keyValue.get(writerKey);
    await reader.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  if (owner !== run.migrationId) return 'kept';
  await rm(file, { force: true });
  return 'removed';
}

export async function rollbackUnits(run: StepRun, units: readonly UnitRow[], step: UnitStep): Promise<UnitOutcome[]> {
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const sessionId = sessionIdOf(unit.key);
    if (sessionId <= 0 || step === 'backup' || step === 'validate' || step === 'simulate') { out.push({ key: unit.key, status: 'skipped' }); continue; }
    if (step === 'cutover') {
      const { restored, manifest } = await restoreArchive(run.deps.db.pool, archiveDirOf(run), sessionId);
      out.push({ key: unit.key, status: manifest ? 'done' : 'skipped', recordsWritten: restored, detail: { restored } });
      continue;
    }
    const result = await removeOwnFile(run, sessionId);
    out.push({ key: unit.key, status: result === 'removed' ? 'done' : 'skipped', detail: { file: result } });
  }
  return out;
}
