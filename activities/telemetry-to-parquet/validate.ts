/**
 * validate: reads every file back lap by lap and compares it with the source value for value
 * (NULL, NaN, ±Infinity and -0 included; Object.is equality on float64), plus the file's checksum
 * against what convert wrote. Reports missing and extra laps and the first mismatches per lap.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import type { LapColumns } from '../../src/telemetry/types';
import { checkLap, fileChannels } from './lap-check';
import { sessionIdOf } from './options';
import { streamSourceLaps, surveySession } from './source';

const perLap = 3;
const perUnit = 10;

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Differences between two laps, at most `limit`, as readable lines. */
export function compareLaps(source: LapColumns, file: LapColumns, limit = perLap): string[] {
  const out: string[] = [];
  const lap = source.lapNumber;
  if (source.length !== file.length) out.push(`lap ${lap}: ${source.length} samples in source, ${file.length} in file`);
  for (const [name, a] of source.channels) {
    if (out.length >= limit) break;
    const b = file.channels.get(name);
    if (b === undefined) { out.push(`lap ${lap}: column "${name}" missing from file`); continue; }
    if (a === null || b === null) {
      if (a !== b) out.push(`lap ${lap} ${name}: ${a === null ? 'NULL array in source' : 'NULL array in file'}`);
      continue;
    }
    const n = Math.min(source.length, file.length);
    for (let i = 0; i < n && out.length < limit; i++) {
      const an = a.nulls?.[i] === 1;
      const bn = b.nulls?.[i] === 1;
      if (an !== bn || (!an && !Object.is(a.values[i], b.values[i]))) {
        out.push(`lap ${lap} ${name}[${i}]: source ${an ? 'NULL' : String(a.values[i])}, file ${bn ? 'NULL' : String(b.values[i])}`);
      }
    }
  }
  return out;
}

export async function validateUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const converted = await run.ledger('convert', units.map((u) => u.key));
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const entry = converted.get(unit.key);
    if (!entry || entry.status !== 'done') {
      out.push({ key: unit.key, status: entry?.status === 'skipped' ? 'skipped' : 'failed', error: { code: entry ? 'NOT_CONVERTED' : 'NO_CONVERT_RECORD', message: `session file of ${unit.key} was not written (convert ${entry?.status ?? 'did not run'})` } });
      continue;
    }
    out.push(await validateSession(run, unit, String(entry.detail.file), entry.checksum));
  }
  return out;
}

async function validateSession(run: StepRun, unit: UnitRow, file: string, expectedSha?: string): Promise<UnitOutcome> {
  const sessionId = sessionIdOf(unit.key);
  const mismatches: string[] = [];
  let reader: ParquetSessionReader;
  try {
    reader = await ParquetSessionReader.open(file);
  } catch (error) {
    return { key: unit.key, status: 'failed', mismatches: [`${file}: ${(error as Error).message}`], error: { code: 'FILE_UNREADABLE', message: (error as Error).message } };
  }
  const sha = await fileSha256(file);
  if (expectedSha && sha !== expectedSha) mismatches.push(`${file}: sha256 ${sha} differs from the ${expectedSha} convert wrote`);
  let samples = 0;
  let lapsChecked = 0;
  try {
    const survey = await surveySession(run.deps.db.pool, sessionId);
    const channels = fileChannels(survey.auxiliaryChannels);
    const duplicates = new Set(survey.duplicateLapNumbers);
    const missing: number[] = [];
    let index = 0;
    for await (const source of streamSourceLaps(run.deps.db.pool, sessionId)) {
      const verdict = checkLap(source, channels, duplicates);
      if (!verdict.ok) continue;
      const entry = reader.info.laps[index];
      if (!entry || entry.lapNumber !== verdict.lap.lapNumber) { missing.push(verdict.lap.lapNumber); continue; }
      const lap = await reader.readLapAt(index++);
      const diff = compareLaps(verdict.lap, lap);
      if (mismatches.length < perUnit) mismatches.push(...diff.slice(0, perUnit - mismatches.length));
      samples += lap.length;
      lapsChecked++;
      run.heartbeat({ session: sessionId, lap: lap.lapNumber });
    }
    if (missing.length > 0) mismatches.unshift(`missing laps: ${missing.slice(0, 20).join(', ')}`);
    if (index < reader.lapCount) mismatches.push(`laps in file but not in source: ${reader.info.laps.slice(index).map((l) => l.lapNumber).join(', ')}`);
  } finally {
    await reader.close();
  }
  const failed = mismatches.length > 0;
  return {
    key: unit.key, status: failed ? 'failed' : 'done', recordsRead: samples, bytesRead: reader.size, checksum: sha,
    ...(failed ? { mismatches, error: { code: 'VALIDATION_MISMATCH', message: mismatches[0] } } : {}),
    detail: { file, bytes: reader.size, sha256: sha, lapsChecked, samplesChecked: samples },
  };
}
