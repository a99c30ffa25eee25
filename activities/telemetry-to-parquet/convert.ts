/**
 * convert: per session, streams the laps out of PostgreSQL and writes `<outDir>/<id>.parquet`
 * atomically (temporary name, then rename), one row group per lap. Bad laps are quarantined (see
 * lap-check.ts) and stay in the database; orphaned auxiliary channels are reported and kept.
 * Each written lap must be at the row versions backup saw (else SOURCE_CHANGED, nothing written);
 * its content digest, taken from the bytes PostgreSQL sent, is recorded for validate.
 * Re-running rewrites the file from the source, so a crash mid-session leaves no partial file.
 */
import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { QuarantineEntry, StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import { writeSessionFile } from '../../src/telemetry/session-file';
import { sessionFilePath } from '../../src/telemetry/parquet-store';
import { unusualArrayHeaders } from './array-headers';
import { checkLap, fileChannels, packLap } from './lap-check';
import { backupVersions, type ConvertedLap } from './ledger-detail';
import { outDirOf, sessionIdOf } from './options';
import { streamSourceLaps, surveySession } from './source';

export const writerKey = 'ferry.migration_id';
export const sourceKey = 'ferry.source';

export async function convertUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const backups = await run.ledger('backup', units.map((u) => u.key));
  const out: UnitOutcome[] = [];
  for (const unit of units) out.push(await convertSession(run, unit, backupVersions(backups.get(unit.key)?.detail)));
  return out;
}

/** A lap read at other row versions than backup saw: the source changed in between. */
class SourceChanged extends Error {
  constructor(readonly lapNumber: number, readonly id: number) {
    super(`lap ${lapNumber} (lap_telemetry id ${id}) changed after backup (its row versions differ)`);
  }
}

/** Quarantines every lap of a session whose id cannot name a file (0 or negative). */
async function rejectInvalidSession(run: StepRun, unit: UnitRow, sessionId: number): Promise<UnitOutcome> {
  const rows = await run.deps.db.pool.query<{ id: number; lap_number: number; n: number }>(
    'SELECT id, lap_number, coalesce(cardinality(time), 0) AS n FROM lap_telemetry WHERE session_id = $1 ORDER BY lap_number, id', [sessionId]);
  const samples = rows.rows.reduce((s, r) => s + r.n, 0);
  await run.quarantine(rows.rows.map((r) => ({
    unitKey: unit.key, recordRef: `session ${sessionId} lap ${r.lap_number} (lap_telemetry id ${r.id})`, code: 'SESSION_ID_INVALID',
    reason: `session id ${sessionId} is not a positive integer; the lap was left in lap_telemetry`,
  })));
  return {
    key: unit.key, status: 'skipped', recordsRead: samples, recordsRejected: samples, recordsWritten: 0,
    error: { code: 'SESSION_ID_INVALID', message: `session id ${sessionId} is not a positive integer; its ${rows.rowCount} laps were quarantined and left in place` },
    detail: { samplesIn: samples, samplesWritten: 0, samplesQuarantined: samples },
  };
}

/** True when `file` exists and was not written by this kind (an app's own file must never be replaced). */
export async function foreignFile(file: string): Promise<boolean> {
  if (!(await access(file).then(() => true, () => false))) return false;
  try {
    const reader = await ParquetSessionReader.open(file);
    await reader.close();
    return reader.info.keyValue.get(sourceKey) === undefined;
  } catch {
    return true;
  }
}

/**
 * Removes temporary files an interrupted write of this session left behind (a worker killed
 * mid-file): they carry the final name as prefix and are never visible under the final name.
 */
export async function removeStrayTemps(dir: string, sessionId: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) if (name.startsWith(`.${sessionId}.parquet.`) && name.endsWith('.tmp')) await rm(path.join(dir, name), { force: true });
}

export async function convertSession(run: StepRun, unit: UnitRow, versions: ReadonlyMap<number, string>): Promise<UnitOutcome> {
  const sessionId = sessionIdOf(unit.key);
  if (sessionId <= 0) return rejectInvalidSession(run, unit, sessionId);
  const file = sessionFilePath(outDirOf(run), sessionId);
  if (await foreignFile(file)) {
    return { key: unit.key, status: 'failed', error: { code: 'TARGET_EXISTS', message: `${file} exists and was not written by Ferry; move it away or pick another --out-dir` } };
  }
  await removeStrayTemps(path.dirname(file), sessionId);
  const survey = await surveySession(run.deps.db.pool, sessionId);
  const channels = fileChannels(survey.auxiliaryChannels);
  const duplicates = new Set(survey.duplicateLapNumbers);
  let quarantined: QuarantineEntry[] = [];
  // [lap number, lap_telemetry id, row version, unusual array headers] of each written lap; its digest comes from the writer.
  let written: [number, number, string, Record<string, string> | undefined][] = [];
  let samplesIn = 0;
  let samplesQuarantined = 0;
  let bytesIn = 0;
  const pool = run.deps.db.pool;
  const write = () => writeSessionFile(file, channels, {
    handsOverLaps: true,
    async *laps() {
      quarantined = [];
      written = [];
      samplesIn = 0;
      samplesQuarantined = 0;
      bytesIn = 0;
      for await (const source of streamSourceLaps(pool, sessionId)) {
        const verdict = checkLap(source, channels, duplicates);
        samplesIn += verdict.samples;
        bytesIn += source.bytes;
        if (!verdict.ok) {
          samplesQuarantined += verdict.samples;
          quarantined.push({ unitKey: unit.key, recordRef: `session ${sessionId} lap ${source.lapNumber} (lap_telemetry id ${source.id})`, code: verdict.code, reason: verdict.reason });
          continue;
        }
        // A lap backup did not see (inserted since) counts as changed too.
        if (versions.size > 0 && versions.get(source.id) !== source.version) throw new SourceChanged(source.lapNumber, source.id);
        written.push([source.lapNumber, source.id, source.version, unusualArrayHeaders(source)]);
        yield { lap: packLap(source, channels, verdict.samples), absent: verdict.absent };
      }
    },
  }, {
    sessionId,
    importedAt: survey.importedAt,
    sourceType: survey.sourceType,
    auxiliaryChannels: channels.slice(12),
    extra: { [writerKey]: run.migrationId, [sourceKey]: 'postgres:lap_telemetry+telemetry_channels' },
  }, (lapNumber, rows) => run.heartbeat({ session: sessionId, lap: lapNumber, rows }));
  let result: Awaited<ReturnType<typeof write>>;
  try {
    result = await write();
  } catch (error) {
    if (!(error instanceof SourceChanged)) throw error;
    return { key: unit.key, status: 'failed', error: { code: 'SOURCE_CHANGED', message: `session ${sessionId}: ${error.message}; nothing was written — roll back and start the migration again` } };
  }
  for (const o of survey.orphans) {
    quarantined.push({
      unitKey: unit.key, recordRef: `session ${sessionId} telemetry_channels id ${o.id}`, code: 'AUX_ORPHANED',
      reason: `auxiliary channel "${o.name}" points to lap id ${o.lapId}, which has no lap_telemetry row; kept in place`,
    });
    samplesIn += o.samples;
    samplesQuarantined += o.samples;
  }
  await run.quarantine(quarantined);
  return {
    key: unit.key,
    status: 'done',
    recordsRead: samplesIn,
    recordsWritten: result.rows,
    recordsRejected: samplesQuarantined,
    bytesRead: bytesIn,
    bytesWritten: result.bytes,
    checksum: result.sha256,
    detail: {
      file, bytes: result.bytes, sha256: result.sha256, arrayHeaders: 'recorded',
      laps: written.map(([lap, id, version, headers], i): ConvertedLap => (headers ? [lap, id, version, result.lapDigests[i]!, headers] : [lap, id, version, result.lapDigests[i]!])),
      quarantinedLaps: quarantined.length - survey.orphans.length, orphanChannelIds: survey.orphans.map((o) => o.id),
      samplesIn, samplesWritten: result.rows, samplesQuarantined,
      decimalColumns: result.plan.filter((c) => c.encoding === 'decimal').map((c) => `${c.name}:${c.scale}`), restarts: result.restarts,
    },
  };
}
