/**
 * Reads the app's telemetry tables for one session: a survey (counts, duplicates, auxiliary names,
 * orphaned channels, source facts), the laps streamed with binary COPY (two streams merged by lap,
 * one lap in memory at a time, each with its row version), and the row versions alone.
 */
import type pg from 'pg';
import { copyBinaryTuples, float8ArrayField, int4, text, uint4, type Float8ArrayField } from '../../src/telemetry/pg-binary-copy';
import { CopyOut } from '../../src/telemetry/pg-copy-out';
import { standardChannels } from '../../src/telemetry/types';

/** A channel's array as read (its header facts and element bytes; decoded later, where needed), or null for NULL. */
export type SourceArray = Float8ArrayField | null;

export interface SourceLap {
  readonly id: number;
  readonly lapId: number | null;
  readonly lapNumber: number;
  readonly standard: ReadonlyMap<string, SourceArray>;
  readonly aux: readonly { readonly id: number; readonly name: string; readonly data: SourceArray }[];
  /** Bytes of the lap's row and channel rows as PostgreSQL sent them (binary COPY fields). */
  readonly bytes: number;
  /** The row versions the lap was read at, in the form of lapVersionSql. */
  readonly version: string;
}

export interface OrphanChannel {
  readonly id: number;
  readonly lapId: number;
  readonly name: string;
  readonly samples: number;
}

export interface SessionSurvey {
  readonly sessionId: number;
  readonly duplicateLapNumbers: readonly number[];
  readonly auxiliaryChannels: readonly string[];
  readonly orphans: readonly OrphanChannel[];
  readonly sourceType: string;
  readonly importedAt: string;
}

/** What a step needs to know of a session before streaming it; reads no array but orphans' lengths. */
export async function surveySession(pool: pg.Pool, sessionId: number): Promise<SessionSurvey> {
  const [dups, aux, orphans, sources] = await Promise.all([
    pool.query<{ lap_number: number }>(
      'SELECT lap_number FROM lap_telemetry WHERE session_id = $1 GROUP BY lap_number HAVING count(*) > 1 ORDER BY lap_number', [sessionId]),
    pool.query<{ name: string }>(
      `SELECT DISTINCT c.name FROM telemetry_channels c JOIN lap_telemetry t ON t.lap_id = c.lap_id
       WHERE t.session_id = $1 ORDER BY c.name`, [sessionId]),
    pool.query<{ id: number; lap_id: number; name: string; samples: number }>(
      `SELECT c.id, c.lap_id, c.name, coalesce(cardinality(c.data), 0) AS samples FROM telemetry_channels c JOIN laps l ON l.id = c.lap_id
       WHERE l.session_id = $1 AND NOT EXISTS (SELECT 1 FROM lap_telemetry t WHERE t.lap_id = c.lap_id) ORDER BY c.id`, [sessionId]),
    pool.query<{ source_type: string; imported_at: Date }>(
      'SELECT source_type, imported_at FROM telemetry_sources WHERE session_id = $1 ORDER BY imported_at, id', [sessionId]),
  ]);
  const types = [...new Set(sources.rows.map((r) => r.source_type))];
  return {
    sessionId,
    duplicateLapNumbers: dups.rows.map((r) => r.lap_number),
    auxiliaryChannels: aux.rows.map((r) => r.name),
    orphans: orphans.rows.map((r) => ({ id: r.id, lapId: r.lap_id, name: r.name, samples: r.samples })),
    sourceType: types.length === 0 ? 'unknown' : types.length === 1 ? types[0] : 'merged',
    importedAt: sources.rows[0]?.imported_at.toISOString() ?? '',
  };
}

const lapSql = (sessionId: number) =>
  `COPY (SELECT id, lap_id, lap_number, xmin, ${standardChannels.map((c) => `"${c}"`).join(', ')} FROM lap_telemetry
   WHERE session_id = ${sessionId} ORDER BY lap_number, id) TO STDOUT (FORMAT binary)`;
const auxSql = (sessionId: number) =>
  `COPY (SELECT t.id, c.id, c.name, c.xmin, c.data FROM telemetry_channels c JOIN lap_telemetry t ON t.lap_id = c.lap_id
   WHERE t.session_id = ${sessionId} ORDER BY t.lap_number, t.id, c.id) TO STDOUT (FORMAT binary)`;
const firstChannelField = 4;

/** Bytes each COPY stream may read ahead while a lap is being encoded (bounds memory per session). */
const readAhead = 4 * 1024 * 1024;

/**
 * Per-lap row-version expression over `lap_telemetry t`: the xmin of the row and of each of its
 * channel rows (with ids). Any UPDATE, DELETE or INSERT touching the lap changes it, and reading
 * it never opens the arrays, so cutover can check "unchanged since backup" without another pass
 * over the data. streamSourceLaps builds the same text from the xmin columns it reads.
 */
export const lapVersionSql = `(t.xmin::text || ':' || coalesce((SELECT string_agg(c.id::text || '@' || c.xmin::text, ',' ORDER BY c.id) FROM telemetry_channels c WHERE c.lap_id = t.lap_id), ''))`;

/**
 * Streams the session's laps in (lap_number, id) order, each with its auxiliary channels and row
 * version. A lap's standard arrays are views valid only until the next lap is requested.
 */
export async function* streamSourceLaps(pool: pg.Pool, sessionId: number): AsyncGenerator<SourceLap> {
  if (!Number.isSafeInteger(sessionId)) throw new Error(`session id ${sessionId} is not an integer`);
  const lapClient = await pool.connect();
  const auxClient = await pool.connect();
  let finished = false;
  let laps: AsyncGenerator<(Buffer | null)[]> | undefined;
  let aux: AsyncGenerator<(Buffer | null)[]> | undefined;
  try {
    laps = copyBinaryTuples(lapClient.query(new CopyOut(lapSql(sessionId), { recycle: true, readAhead })), { reuse: true });
    aux = copyBinaryTuples(auxClient.query(new CopyOut(auxSql(sessionId), { readAhead })));
    let pending = await aux.next();
    for await (const f of laps) {
      const id = int4(f[0])!;
      const standard = new Map<string, SourceArray>();
      standardChannels.forEach((name, i) => standard.set(name, float8ArrayField(f[firstChannelField + i])));
      const channels: { id: number; name: string; data: SourceArray }[] = [];
      const versions: string[] = [];
      let bytes = fieldBytes(f);
      while (!pending.done && int4(pending.value[0]) === id) {
        const a = pending.value;
        const channelId = int4(a[1])!;
        channels.push({ id: channelId, name: text(a[2])!, data: float8ArrayField(a[4]) });
        versions.push(`${channelId}@${uint4(a[3])}`);
        bytes += fieldBytes(a);
        pending = await aux.next();
      }
      yield { id, lapId: int4(f[1]), lapNumber: int4(f[2])!, standard, aux: channels, bytes, version: `${uint4(f[3])}:${versions.join(',')}` };
    }
    // Drain what is left so both connections go back to the pool clean.
    while (!pending.done) pending = await aux.next();
    finished = true;
  } finally {
    // A consumer that stops early leaves a COPY half-read: such connections are closed, never
    // reused (their readers, stopped, drop what still arrives until the connections close).
    if (!finished) await Promise.all([laps?.return(undefined), aux?.return(undefined)]).catch(() => undefined);
    lapClient.release(!finished);
    auxClient.release(!finished);
  }
}

function fieldBytes(fields: readonly (Buffer | null)[]): number {
  let n = 0;
  for (const field of fields) n += field?.length ?? 0;
  return n;
}

/** [lap_telemetry id, lap number, row version (lapVersionSql)] of every lap of the session. */
export type LapVersions = readonly (readonly [number, number, string])[];

/** The session's row versions, lap by lap, without reading any array. */
export async function sourceVersions(pool: pg.Pool, sessionId: number): Promise<LapVersions> {
  const laps = await pool.query<{ id: number; lap_number: number; version: string }>(
    `SELECT t.id, t.lap_number, ${lapVersionSql} AS version FROM lap_telemetry t WHERE t.session_id = $1 ORDER BY t.lap_number, t.id`, [sessionId]);
  return laps.rows.map((r) => [r.id, r.lap_number, r.version] as const);
}
