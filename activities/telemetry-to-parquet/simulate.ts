/**
 * simulate (dry run): per session, what convert would write: the file path, laps, samples,
 * channels, laps it would quarantine, and an estimated size (the first valid lap encoded in memory,
 * scaled by samples). Writes nothing anywhere.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { sessionFilePath } from '../../src/telemetry/parquet-store';
import { encodeLap } from '../../src/telemetry/lap-encoding';
import { initialPlan } from '../../src/telemetry/session-file';
import { checkLap, decodeLap, fileChannels } from './lap-check';
import { outDirOf, sessionIdOf } from './options';
import { streamSourceLaps, surveySession } from './source';

export async function simulateUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const sessionId = sessionIdOf(unit.key);
    if (sessionId <= 0) {
      out.push({ key: unit.key, status: 'skipped', error: { code: 'SESSION_ID_INVALID', message: `session id ${sessionId} is not a positive integer; its laps would be quarantined` } });
      continue;
    }
    const survey = await surveySession(run.deps.db.pool, sessionId);
    const channels = fileChannels(survey.auxiliaryChannels);
    const duplicates = new Set(survey.duplicateLapNumbers);
    let laps = 0, samples = 0, bad = 0, badSamples = 0, sampleBytes = 0, sampleRows = 0;
    for await (const source of streamSourceLaps(run.deps.db.pool, sessionId)) {
      const v = checkLap(source, channels, duplicates);
      if (!v.ok) { bad++; badSamples += v.samples; continue; }
      laps++;
      samples += v.samples;
      if (sampleRows === 0) {
        const lap = decodeLap(source, channels, v.samples);
        const encoded = encodeLap(lap, initialPlan(channels), true);
        sampleBytes = 'pages' in encoded ? encoded.pages.length : 0;
        sampleRows = lap.length;
      }
    }
    out.push({
      key: unit.key, status: 'done', recordsRead: samples + badSamples, recordsWritten: samples, recordsRejected: badSamples,
      detail: {
        file: sessionFilePath(outDirOf(run), sessionId), laps, samples, channels: channels.length, auxiliaryChannels: survey.auxiliaryChannels,
        quarantinedLaps: bad, orphanChannels: survey.orphans.length, estimatedBytes: sampleRows ? Math.round((sampleBytes / sampleRows) * samples) : 0,
      },
    });
  }
  return out;
}
