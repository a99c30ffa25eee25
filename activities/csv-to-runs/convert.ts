/**
 * Loads each unit: the configuration as a profile, a log file's new lines (up to the size inventory
 * saw) as a run with its samples and events, one file per transaction. Idempotent: a file this
 * migration already loaded reports its ledger row again.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { ingestConfig } from '../../src/csv-runs/config-profile';
import { ingestFile, type IngestResult } from '../../src/csv-runs/ingest-file';
import { failure } from './outcomes';
import { configUnitKey, csvPaths, fileOfUnit } from './options';

export async function convert(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const paths = csvPaths(run.deps.config, run.options.filters);
  const outcomes: UnitOutcome[] = [];
  for (const unit of units) {
    const file = fileOfUnit(paths, unit.key);
    try {
      if (unit.key === configUnitKey) {
        const result = await ingestConfig(run.deps.db.pool, { migrationId: run.migrationId, unitKey: unit.key, path: file });
        outcomes.push(result.status === 'present'
          ? { key: unit.key, status: 'skipped', detail: { profileId: result.profileId, reason: 'configuration already stored' } }
          : { key: unit.key, status: 'done', recordsRead: 1, recordsWritten: 1, detail: { profileId: result.status === 'ingested' ? result.profileId : result.segment.profileId } });
        continue;
      }
      const result = await ingestFile(run.deps.db.pool, {
        migrationId: run.migrationId, kind: run.kind, unitKey: unit.key, step: 'convert', path: file,
        limit: typeof unit.detail.size === 'number' ? unit.detail.size : undefined,
        heartbeat: (detail) => run.heartbeat(detail),
      });
      outcomes.push(outcomeOf(unit.key, result));
    } catch (error) {
      outcomes.push(failure(unit.key, error));
    }
  }
  return outcomes;
}

export function outcomeOf(key: string, result: IngestResult): UnitOutcome {
  if (result.status === 'nothing-new') return { key, status: 'skipped', detail: { reason: 'no complete new line', atOffset: result.atOffset } };
  const s = result.segment;
  return {
    key, status: 'done', recordsRead: s.linesIngested, recordsWritten: s.samples + s.events, recordsRejected: s.rejected,
    bytesRead: s.toOffset - s.fromOffset, checksum: s.samplesSha256 ?? undefined,
    detail: { runId: s.runId, samples: s.samples, events: s.events, rejected: s.rejected, fromLine: s.fromLine, toLine: s.toLine, ...(result.status === 'ingested' ? { nonNumeric: result.nonNumeric } : { already: true }) },
  };
}
