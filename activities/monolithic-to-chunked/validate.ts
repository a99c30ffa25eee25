/**
 * Validate step: reassembles each converted session from its chunks and compares it field by field
 * with the monolithic original (both streamed), checking the manifest's counts and checksums too.
 * Differences fail the unit with the seed's report lines, which makes the engine refuse cutover.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { verifyChunkedSession } from '../../src/chunked/verify-session';
import { mapConcurrent, unitConcurrency } from './concurrency';
import { settingsOf } from './settings';
import { notReady, outcomeOfError } from './unit-errors';

export async function validate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const converted = await run.ledger('convert', units.map((u) => u.key));
  return mapConcurrent(units, unitConcurrency, async (unit): Promise<UnitOutcome> => {
    const skip = notReady(unit.key, 'convert', converted.get(unit.key));
    if (skip) return skip;
    try {
      const result = await verifyChunkedSession(settings.root, unit.key, { onProgress: (bytesRead) => run.heartbeat({ session: unit.key, bytesRead }) });
      if (result.ok) {
        return { key: unit.key, status: 'done', recordsRead: result.records, bytesRead: result.bytesRead, checksum: result.sourceSha256 };
      } else {
        return {
          key: unit.key, status: 'failed', recordsRead: result.records, bytesRead: result.bytesRead, mismatches: result.mismatches,
          error: { code: 'VALIDATION_FAILED', message: `Session "${unit.key}": ${result.mismatches.length} difference(s), first: ${result.mismatches[0]}` },
        };
      }
    } catch (error) {
      return outcomeOfError(unit.key, error);
    }
  });
}
