/**
 * Checks one ingested segment against the file and the tables without parsing the whole file again:
 * the file still holds the bytes loaded (prefix SHA-256) and as many physical lines as the ledger
 * says; the table rows give exactly the row checksums recorded at load (binary COPY out, every
 * value compared); table counts equal the ledger's, and samples + event-only + quarantined lines
 * reconcile with the data lines; the segment's first records, parsed afresh, give exactly the first
 * table rows (a spot check of the parser itself). Returns mismatches as short sentences naming the
 * file; empty means the segment is exact.
 */
import type pg from 'pg';
import { readConfigFile } from './config-profile';
import { prefixAndLines } from './csv-source';
import type { IngestedSegment } from './ingest-ledger';
import { parseSegment } from './parse-segment';
import { digestCopy, eventDigestSql, idRangeCondition, sampleDigestSql } from './row-digest';

/** Physical lines of a segment parsed afresh for the spot check. */
export const spotCheckLines = 2000;

export async function verifySegment(pool: pg.Pool, segment: IngestedSegment): Promise<string[]> {
  if (segment.step === 'config') return verifyConfig(pool, segment);
  const file = segment.filePath;
  const mismatches: string[] = [];
  const bytes = await prefixAndLines(file, segment.fromOffset, segment.toOffset);
  if (bytes.sha256 !== segment.prefixSha256) {
    return [`${file}: the first ${segment.toOffset} bytes changed since they were ingested`];
  }
  if (bytes.newlines !== segment.toLine - segment.fromLine) {
    mismatches.push(`${file}: ${bytes.newlines} lines in bytes ${segment.fromOffset}–${segment.toOffset}, the ledger says ${segment.toLine - segment.fromLine}`);
  }
  const samplesWhere = idRangeCondition(segment.runId ?? 0, segment.firstSampleId, segment.lastSampleId);
  const eventsWhere = idRangeCondition(segment.runId ?? 0, segment.firstEventId, segment.lastEventId);
  const counted = await pool.query<{ samples: number; events: number; quarantined: number }>(
    `SELECT (SELECT count(*)::int FROM public.run_samples WHERE ${samplesWhere}) AS samples,
            (SELECT count(*)::int FROM public.logger_events WHERE ${eventsWhere}) AS events,
            (SELECT count(*)::int FROM ferry.quarantine WHERE migration_id = $1 AND unit_key = $2 AND line_number >= $3 AND line_number < $4) AS quarantined`,
    [segment.migrationId, segment.unitKey, segment.fromLine, segment.toLine],
  );
  const db = counted.rows[0];
  if (db.samples !== segment.samples) mismatches.push(`${file}: run_samples holds ${db.samples} rows, the file has ${segment.samples} sample lines`);
  if (db.events !== segment.events) mismatches.push(`${file}: logger_events holds ${db.events} rows, the file has ${segment.events} event lines`);
  if (db.quarantined !== segment.rejected) mismatches.push(`${file}: ${db.quarantined} lines quarantined, ${segment.rejected} rejected at load`);
  // Every data line is a sample, an event-only line or rejected: so between these two bounds.
  const least = db.samples + db.quarantined;
  if (segment.linesIngested < least || segment.linesIngested > least + db.events) {
    mismatches.push(`${file}: ${db.samples} samples + ${db.events} events + ${db.quarantined} quarantined cannot make ${segment.linesIngested} data lines`);
  }
  if (segment.linesIngested > segment.toLine - segment.fromLine) mismatches.push(`${file}: ${segment.linesIngested} data lines in ${segment.toLine - segment.fromLine} physical lines`);
  // PostgreSQL streams both digests while this process parses the spot check.
  const [sampleRows, eventRows, spot] = await Promise.all([
    digestCopy(pool, sampleDigestSql(samplesWhere)),
    digestCopy(pool, eventDigestSql(eventsWhere)),
    parseSegment(
      { path: file, fromOffset: segment.fromOffset, toOffset: segment.toOffset, fromLine: segment.fromLine },
      { file, runId: segment.runId ?? 0, header: segment.fromOffset > 0 ? segment.header : undefined, untilLine: segment.fromLine + spotCheckLines },
    ),
  ]);
  const samplesExact = sampleRows === segment.samplesSha256;
  const eventsExact = eventRows === segment.eventsSha256;
  if (!samplesExact) mismatches.push(`${file}: run_samples values differ from the file (checksum)`);
  if (!eventsExact) mismatches.push(`${file}: logger_events values differ from the file (checksum)`);
  // With the table equal to what was loaded, the spot check compares the load with a fresh parse.
  if (samplesExact && (await digestCopy(pool, sampleDigestSql(samplesWhere, spot.counts.samples))) !== spot.samplesSha256) {
    mismatches.push(`${file}: sample values of a fresh parse differ from what was loaded`);
  }
  if (eventsExact && (await digestCopy(pool, eventDigestSql(eventsWhere, spot.counts.events))) !== spot.eventsSha256) {
    mismatches.push(`${file}: event values of a fresh parse differ from what was loaded`);
  }
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
