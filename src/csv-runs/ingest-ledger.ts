/**
 * Ferry's ingestion ledger (ferry.csv_ingested_files): one row per byte range of a file that a
 * migration loaded, written in the same transaction as the rows it describes.
 */
import type pg from 'pg';

export interface IngestedSegment {
  readonly id: string;
  readonly migrationId: string;
  readonly unitKey: string;
  readonly step: string;
  readonly filePath: string;
  readonly fromOffset: number;
  readonly toOffset: number;
  readonly fromLine: number;
  readonly toLine: number;
  readonly fileSize: number;
  readonly prefixSha256: string;
  readonly header: string[];
  readonly linesIngested: number;
  readonly samples: number;
  readonly events: number;
  readonly rejected: number;
  readonly runId: number | null;
  readonly runCreated: boolean;
  readonly firstSampleId: string | null;
  readonly lastSampleId: string | null;
  readonly firstEventId: string | null;
  readonly lastEventId: string | null;
  readonly profileId: number | null;
  readonly profileCreated: boolean;
  readonly appliedEventId: number | null;
  readonly samplesSha256: string | null;
  readonly eventsSha256: string | null;
}

const columns = `id::text, migration_id, unit_key, step, file_path, from_offset::float8 AS from_offset, to_offset::float8 AS to_offset,
  from_line, to_line, file_size::float8 AS file_size, prefix_sha256, header, lines_ingested, samples, events, rejected, run_id,
  run_created, first_sample_id::text, last_sample_id::text, first_event_id::text, last_event_id::text, profile_id,
  profile_created, applied_event_id, samples_sha256, events_sha256`;

type Queryable = Pick<pg.PoolClient, 'query'>;

function toSegment(row: Record<string, unknown>): IngestedSegment {
  return {
    id: row.id as string,
    migrationId: row.migration_id as string,
    unitKey: row.unit_key as string,
    step: row.step as string,
    filePath: row.file_path as string,
    fromOffset: row.from_offset as number,
    toOffset: row.to_offset as number,
    fromLine: row.from_line as number,
    toLine: row.to_line as number,
    fileSize: row.file_size as number,
    prefixSha256: row.prefix_sha256 as string,
    header: row.header as string[],
    linesIngested: row.lines_ingested as number,
    samples: row.samples as number,
    events: row.events as number,
    rejected: row.rejected as number,
    runId: row.run_id as number | null,
    runCreated: row.run_created as boolean,
    firstSampleId: row.first_sample_id as string | null,
    lastSampleId: row.last_sample_id as string | null,
    firstEventId: row.first_event_id as string | null,
    lastEventId: row.last_event_id as string | null,
    profileId: row.profile_id as number | null,
    profileCreated: row.profile_created as boolean,
    appliedEventId: row.applied_event_id as number | null,
    samplesSha256: row.samples_sha256 as string | null,
    eventsSha256: row.events_sha256 as string | null,
  };
}

/** Every segment of one file (any migration), in file order. */
export async function segmentsOfFile(db: Queryable, filePath: string): Promise<IngestedSegment[]> {
  const result = await db.query(`SELECT ${columns} FROM ferry.csv_ingested_files WHERE file_path = $1 ORDER BY from_offset, id`, [filePath]);
  return result.rows.map(toSegment);
}

/** Segments one migration wrote, optionally only for some units or steps, in file order. */
export async function segmentsOfMigration(
  db: Queryable, migrationId: string, filter: { unitKeys?: readonly string[]; steps?: readonly string[] } = {},
): Promise<IngestedSegment[]> {
  const result = await db.query(
    `SELECT ${columns} FROM ferry.csv_ingested_files
     WHERE migration_id = $1 AND ($2::text[] IS NULL OR unit_key = ANY($2)) AND ($3::text[] IS NULL OR step = ANY($3))
     ORDER BY file_path, from_offset, id`,
    [migrationId, filter.unitKeys ?? null, filter.steps ?? null],
  );
  return result.rows.map(toSegment);
}

export type NewSegment = Omit<IngestedSegment, 'id'>;

export async function insertSegment(db: Queryable, s: NewSegment): Promise<void> {
  await db.query(
    `INSERT INTO ferry.csv_ingested_files (migration_id, unit_key, step, file_path, from_offset, to_offset, from_line, to_line,
       file_size, prefix_sha256, header, lines_ingested, samples, events, rejected, run_id, run_created, first_sample_id,
       last_sample_id, first_event_id, last_event_id, profile_id, profile_created, applied_event_id, samples_sha256, events_sha256)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26)`,
    [s.migrationId, s.unitKey, s.step, s.filePath, s.fromOffset, s.toOffset, s.fromLine, s.toLine, s.fileSize, s.prefixSha256,
      JSON.stringify(s.header), s.linesIngested, s.samples, s.events, s.rejected, s.runId, s.runCreated, s.firstSampleId,
      s.lastSampleId, s.firstEventId, s.lastEventId, s.profileId, s.profileCreated, s.appliedEventId, s.samplesSha256, s.eventsSha256],
  );
}
