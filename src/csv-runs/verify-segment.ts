/**
 * Checks one ingested segment against the file and the tables: a fresh parse of the same bytes must
 * give the row checksums the loader recorded, the table rows must give the same checksums (binary
 * COPY out), and samples + event-only lines + quarantined lines must equal the data lines. Returns
 * mismatches as short sentences naming the file; empty means the segment is exact.
 */
import type pg from 'pg';
import { readConfigFile } from './config-profile';
import { sha256Prefix } from './csv-source';
import type { IngestedSegment } from './ingest-ledger';
import { parseSegment } from './parse-segment';
import { digestCopy, eventDigestSql, idRangeCondition, sampleDigestSql } from './row-digest';

export async function verifySegment(pool: pg.Pool, segment: IngestedSegment): Promise<string[]> {
  if (segment.step === 'config') return verifyConfig(pool, segment);
  const file = segment.filePath;
  const mismatches: string[] = [];
  if ((await sha256Prefix(file, segment.toOffset)) !== segment.prefixSha256) {
    return [`${file}: the first ${segment.toOffset} bytes changed since they were ingested`];
  }
  const fresh = await parseSegment(
    { path: file, fromOffset: segment.fromOffset, toOffset: segment.toOffset, fromLine: segment.fromLine },
    { file, runId: segment.runId ?? 0, header: segment.fromOffset > 0 ? segment.header : undefined },
  );
  const c = fresh.counts;
  if (c.samples + c.eventOnly + c.rejected !== c.records) {
    mismatches.push(`${file}: ${c.samples} samples + ${c.eventOnly} event-only + ${c.rejected} rejected ≠ ${c.records} data lines`);
  }
  if (c.records !== segment.linesIngested) mismatches.push(`${file}: ${c.records} data lines now, ${segment.linesIngested} when loaded`);
  const counted = await pool.query<{ samples: number; events: number; quarantined: number }>(
    `SELECT (SELECT count(*)::int FROM public.run_samples WHERE ${idRangeCondition(segment.runId ?? 0, segment.firstSampleId, segment.lastSampleId)}) AS samples,
            (SELECT count(*)::int FROM public.logger_events WHERE ${idRangeCondition(segment.runId ?? 0, segment.firstEventId, segment.lastEventId)}) AS events,
            (SELECT count(*)::int FROM ferry.quarantine WHERE migration_id = $1 AND unit_key = $2 AND line_number >= $3 AND line_number < $4) AS quarantined`,
    [segment.migrationId, segment.unitKey, segment.fromLine, segment.toLine],
  );
  const db = counted.rows[0];
  if (db.samples !== c.samples) mismatches.push(`${file}: run_samples holds ${db.samples} rows, the file has ${c.samples} sample lines`);
  if (db.events !== c.events) mismatches.push(`${file}: logger_events holds ${db.events} rows, the file has ${c.events} event lines`);
  if (db.quarantined !== c.rejected) mismatches.push(`${file}: ${db.quarantined} lines quarantined, a fresh parse rejects ${c.rejected}`);
  if (fresh.samplesSha256 !== segment.samplesSha256) mismatches.push(`${file}: sample values of a fresh parse differ from what was loaded`);
  if (fresh.eventsSha256 !== segment.eventsSha256) mismatches.push(`${file}: event values of a fresh parse differ from what was loaded`);
  const sampleRows = await digestCopy(pool, sampleDigestSql(idRangeCondition(segment.runId ?? 0, segment.firstSampleId, segment.lastSampleId)));
  if (sampleRows !== fresh.samplesSha256) mismatches.push(`${file}: run_samples values differ from the file (checksum)`);
  const eventRows = await digestCopy(pool, eventDigestSql(idRangeCondition(segment.runId ?? 0, segment.firstEventId, segment.lastEventId)));
  if (eventRows !== fresh.eventsSha256) mismatches.push(`${file}: logger_events values differ from the file (checksum)`);
  return mismatches;
}

async function verifyConfig(pool: pg.Pool, segment: IngestedSegment): Promise<string[]> {
  const file = await readConfigFile(segment.filePath);
  const row = await pool.query<{ checksum: string; same: boolean }>(
    'SELECT checksum, config = $2::jsonb AS same FROM public.config_profiles WHERE id = $1',
    [segment.profileId, JSON.stringify(file.config)],
  );
  if (row.rows.length === 0) return [`${segment.filePath}: config profile ${segment.profileId} is missing`];
  const mismatches: string[] = [];
  if (row.rows[0].checksum !== segment.eventsSha256) mismatches.push(`${segment.filePath}: stored profile checksum differs from the loaded one`);
  if (file.checksum !== segment.eventsSha256) mismatches.push(`${segment.filePath}: the configuration file changed since it was loaded`);
  else if (!row.rows[0].same) mismatches.push(`${segment.filePath}: stored configuration differs from the file`);
  return mismatches;
}
