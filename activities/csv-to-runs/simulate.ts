/** Dry run: per file, the lines that would be loaded and those that would be rejected, with reasons. Writes nothing. */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { readConfigFile } from '../../src/csv-runs/config-profile';
import { segmentsOfFile } from '../../src/csv-runs/ingest-ledger';
import { completeLinesEnd } from '../../src/csv-runs/ingest-file';
import { parseSegment } from '../../src/csv-runs/parse-segment';
import { failure } from './outcomes';
import { configUnitKey, csvPaths, fileOfUnit } from './options';

export async function simulate(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const paths = csvPaths(run.deps.config, run.options.filters);
  const outcomes: UnitOutcome[] = [];
  for (const unit of units) {
    const file = fileOfUnit(paths, unit.key);
    try {
      if (unit.key === configUnitKey) {
        const config = await readConfigFile(file);
        outcomes.push({ key: unit.key, status: 'done', recordsRead: 1, recordsWritten: 1, detail: { wouldCreateProfile: config.profileName, checksum: config.checksum } });
        continue;
      }
      const last = (await segmentsOfFile(run.deps.db.pool, file)).at(-1);
      const fromOffset = last?.toOffset ?? 0;
      const toOffset = await completeLinesEnd(file, fromOffset, Number(unit.detail.size ?? Number.MAX_SAFE_INTEGER));
      const parsed = await parseSegment(
        { path: file, fromOffset, toOffset, fromLine: last?.toLine ?? 1 },
        { file, runId: 0, header: last?.header, progress: (line) => run.heartbeat({ file, line }) },
      );
      const reasons: Record<string, number> = {};
      for (const r of parsed.rejections) reasons[r.code] = (reasons[r.code] ?? 0) + 1;
      outcomes.push({
        key: unit.key, status: 'done', recordsRead: parsed.counts.records, recordsWritten: parsed.counts.samples + parsed.counts.eventOnly,
        recordsRejected: parsed.counts.rejected, bytesRead: toOffset - fromOffset,
        detail: {
          wouldInsert: { samples: parsed.counts.samples, events: parsed.counts.events, runs: last ? 0 : 1 },
          wouldReject: reasons, nonNumericReadings: parsed.counts.nonNumeric, ignoredColumns: parsed.header.ignored,
          rejectedExamples: parsed.rejections.slice(0, 5).map((r) => `line ${r.line}: ${r.code} ${r.reason}`),
        },
      });
    } catch (error) {
      outcomes.push(failure(unit.key, error));
    }
  }
  return outcomes;
}
