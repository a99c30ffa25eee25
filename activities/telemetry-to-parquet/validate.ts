/**
 * validate: reads every file back and compares it with the source, lap by lap: each row group is
 * decoded (on the lap threads) into the canonical content digest and compared with the digest
 * convert took from the bytes PostgreSQL sent (float64 bits, NULL elements and NULL arrays
 * included); the laps' row versions must still be the ones convert read at, so the source is
 * unchanged since. A lap whose digest differs is compared with a fresh read of the source value
 * for value (Object.is on float64), which names the first mismatches; a lap equal value for value
 * (it can then differ only in NaN payload bits, which a file rewritten elsewhere may have lost)
 * passes. Also checks the file's sha256 against what convert wrote, and reports missing and extra
 * laps.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { isCurrentDigest } from '../../src/telemetry/lap-digest';
import { digestLapFileAsync } from '../../src/telemetry/lap-thread-pool';
import type { LapFileDigest } from '../../src/telemetry/lap-file-digest';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import type { LapColumns } from '../../src/telemetry/types';
import { checkLap, decodeLap, fileChannels } from './lap-check';
import { convertedLaps, type ConvertedLap } from './ledger-detail';
import { sessionIdOf } from './options';
import { lapVersionSql, streamSourceLaps, surveySession } from './source';

const perLap = 3;
const perUnit = 10;
/** Row groups of one file being decoded at once (bounds memory; keeps both lap threads busy). */
const digestsInFlight = 4;

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
    out.push(await validateSession(run, unit, String(entry.detail.file), entry.checksum, convertedLaps(entry.detail)));
  }
  return out;
}

interface SessionCheck {
  readonly mismatches: string[];
  samples: number;
  lapsChecked: number;
  /** Laps whose digest differed but whose values are equal (NaN payload bits at most). */
  readonly equalByValue: number[];
}

async function validateSession(run: StepRun, unit: UnitRow, file: string, expectedSha: string | undefined, expected: readonly ConvertedLap[] | undefined): Promise<UnitOutcome> {
  const sessionId = sessionIdOf(unit.key);
  let reader: ParquetSessionReader;
  try {
    reader = await ParquetSessionReader.open(file);
  } catch (error) {
    return { key: unit.key, status: 'failed', mismatches: [`${file}: ${(error as Error).message}`], error: { code: 'FILE_UNREADABLE', message: (error as Error).message } };
  }
  const check: SessionCheck = { mismatches: [], samples: 0, lapsChecked: 0, equalByValue: [] };
  const sha = await fileSha256(file);
  if (expectedSha && sha !== expectedSha) check.mismatches.push(`${file}: sha256 ${sha} differs from the ${expectedSha} convert wrote`);
  try {
    // A convert record without digests, or with an older form of them (written by an older Ferry): every lap against the source.
    if (expected && expected.every(([, , , digest]) => isCurrentDigest(digest))) await checkAgainstDigests(run, sessionId, reader, expected, check);
    else await checkAgainstSource(run, sessionId, reader, check, null);
  } finally {
    await reader.close();
  }
  const { mismatches } = check;
  const failed = mismatches.length > 0;
  return {
    key: unit.key, status: failed ? 'failed' : 'done', recordsRead: check.samples, bytesRead: reader.size, checksum: sha,
    ...(failed ? { mismatches: mismatches.slice(0, perUnit), error: { code: 'VALIDATION_MISMATCH', message: mismatches[0] } } : {}),
    detail: { file, bytes: reader.size, sha256: sha, lapsChecked: check.lapsChecked, samplesChecked: check.samples, ...(check.equalByValue.length ? { lapsEqualByValueOnly: check.equalByValue } : {}) },
  };
}

async function checkAgainstDigests(run: StepRun, sessionId: number, reader: ParquetSessionReader, expected: readonly ConvertedLap[], check: SessionCheck): Promise<void> {
  const { mismatches } = check;
  const now = await run.deps.db.pool.query<{ id: number; version: string }>(
    `SELECT t.id, ${lapVersionSql} AS version FROM lap_telemetry t WHERE t.id = ANY($1)`, [expected.map(([, id]) => id)]);
  const current = new Map(now.rows.map((r) => [r.id, r.version]));
  const changed = expected.filter(([, id, version]) => current.get(id) !== version).map(([lap]) => lap);
  if (changed.length > 0) mismatches.push(`source rows changed since convert (row versions differ) in laps ${changed.slice(0, 20).join(', ')}; roll back and start again`);
  const byLap = new Map(expected.map((e) => [e[0], e]));
  const inFile = new Set(reader.info.laps.map((l) => l.lapNumber));
  const missing = expected.filter(([lap]) => !inFile.has(lap)).map(([lap]) => lap);
  if (missing.length > 0) mismatches.push(`missing laps: ${missing.slice(0, 20).join(', ')}`);
  const extra = reader.info.laps.filter((l) => !byLap.has(l.lapNumber)).map((l) => l.lapNumber);
  if (extra.length > 0) mismatches.push(`laps in file but not in source: ${extra.slice(0, 20).join(', ')}`);
  const differing = new Set<number>();
  const inFlight: Promise<LapFileDigest | { lapNumber: number; unreadable: string }>[] = [];
  const settle = async () => {
    const got = await inFlight.shift()!;
    // A row group that cannot be decoded is a finding about the file, not a reason to retry.
    if ('unreadable' in got) { mismatches.push(`lap ${got.lapNumber}: unreadable in the file: ${got.unreadable}`); return; }
    const want = byLap.get(got.lapNumber);
    if (want && want[3] !== got.digest) differing.add(got.lapNumber);
    check.samples += got.rows;
    check.lapsChecked++;
    run.heartbeat({ session: sessionId, lap: got.lapNumber });
  };
  try {
    for (let i = 0; i < reader.lapCount; i++) {
      const entry = reader.info.laps[i];
      if (!byLap.has(entry.lapNumber)) continue;
      const { lapNumber } = entry;
      inFlight.push(reader.readLapFileAt(i).then((file) => digestLapFileAsync(file, entry, reader.info.columns))
        .catch((error: Error) => ({ lapNumber, unreadable: error.message })));
      if (inFlight.length >= digestsInFlight) await settle();
    }
    while (inFlight.length > 0) await settle();
  } finally {
    await Promise.allSettled(inFlight);
  }
  if (differing.size > 0) await checkAgainstSource(run, sessionId, reader, check, differing);
}

/**
 * Compares file laps with a fresh read of the source value for value: every lap (`only` null) or
 * the laps whose digests differed, which pass when equal by value.
 */
async function checkAgainstSource(run: StepRun, sessionId: number, reader: ParquetSessionReader, check: SessionCheck, only: ReadonlySet<number> | null): Promise<void> {
  const { mismatches } = check;
  const survey = await surveySession(run.deps.db.pool, sessionId);
  const channels = fileChannels(survey.auxiliaryChannels);
  const duplicates = new Set(survey.duplicateLapNumbers);
  const missing: number[] = [];
  let index = 0;
  for await (const source of streamSourceLaps(run.deps.db.pool, sessionId)) {
    const verdict = checkLap(source, channels, duplicates);
    if (!verdict.ok) continue;
    const entry = reader.info.laps[index];
    if (!entry || entry.lapNumber !== verdict.lapNumber) { missing.push(verdict.lapNumber); continue; }
    const at = index++;
    if (only && !only.has(entry.lapNumber)) continue;
    const lap = await reader.readLapAt(at);
    const diff = compareLaps(decodeLap(source, channels, verdict.samples), lap);
    if (only && diff.length === 0) check.equalByValue.push(lap.lapNumber);
    mismatches.push(...diff);
    if (!only) {
      check.samples += lap.length;
      check.lapsChecked++;
    }
    run.heartbeat({ session: sessionId, lap: lap.lapNumber });
  }
  if (only) return;
  if (missing.length > 0) mismatches.unshift(`missing laps: ${missing.slice(0, 20).join(', ')}`);
  if (index < reader.lapCount) mismatches.push(`laps in file but not in source: ${reader.info.laps.slice(index).map((l) => l.lapNumber).join(', ')}`);
}
