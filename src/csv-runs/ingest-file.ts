/**
 * Loads the not-yet-ingested lines of one logger file into runs / run_samples / logger_events in
 * ONE transaction, with its rejected lines (ferry.quarantine) and its ledger row: a file segment is
 * either fully in or not at all. Samples go through binary `COPY … FROM STDIN` while the file is
 * parsed. A per-file advisory lock serialises concurrent attempts; the ledger's unique range makes
 * a second load of the same bytes impossible.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { FerryError } from '../errors';
import { readLines, type CsvRange } from './csv-source';
import { sampleColumns } from './header-map';
import { insertSegment, segmentsOfFile, type IngestedSegment, type NewSegment } from './ingest-ledger';
import { parseSegment, type SegmentParse } from './parse-segment';
import { formatMicros } from './timestamp';

export const sampleCopySql = `COPY public.run_samples (${sampleColumns}) FROM STDIN (FORMAT binary)`;
export const eventCopySql = 'COPY public.logger_events (run_id, recorded_at, level, message) FROM STDIN (FORMAT binary)';

export interface IngestRequest {
  readonly migrationId: string;
  readonly kind: string;
  readonly unitKey: string;
  /** 'convert' (at most once per migration and file) or 'catch-up' (whatever was appended since). */
  readonly step: 'convert' | 'catch-up';
  readonly path: string;
  /** Read no further than this offset (the size inventory saw); undefined = the file's current end. */
  readonly limit?: number;
  readonly heartbeat?: (detail: unknown) => void;
}

export type IngestResult =
  | { readonly status: 'ingested'; readonly segment: NewSegment; readonly nonNumeric: number }
  | { readonly status: 'already'; readonly segment: IngestedSegment }
  | { readonly status: 'nothing-new'; readonly atOffset: number };

export async function ingestFile(pool: pg.Pool, request: IngestRequest): Promise<IngestResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`csv-to-runs:${request.path}`]);
    const segments = await segmentsOfFile(client, request.path);
    if (request.step === 'convert') {
      const done = segments.find((s) => s.migrationId === request.migrationId && s.step === 'convert');
      if (done) {
        await client.query('ROLLBACK');
        return { status: 'already', segment: done };
      }
    }
    const last = segments.at(-1);
    const fromOffset = last?.toOffset ?? 0;
    const fromLine = last?.toLine ?? 1;
    const size = (await stat(request.path)).size;
    const prefix = createHash('sha256');
    if (last) {
      await hashRange(request.path, 0, fromOffset, prefix);
      if (size < fromOffset || prefix.copy().digest('hex') !== last.prefixSha256) {
        throw new FerryError(
          'FILE_REWRITTEN',
          `"${request.path}" no longer starts with the ${fromOffset} bytes migration "${last.migrationId}" ingested (it was truncated or rewritten). Roll that migration back before ingesting the file again.`,
          { retryable: false, record: { file: request.path } },
        );
      }
    }
    const toOffset = await completeLinesEnd(request.path, fromOffset, Math.min(size, request.limit ?? size));
    if (toOffset <= fromOffset) {
      await client.query('ROLLBACK');
      return { status: 'nothing-new', atOffset: fromOffset };
    }
    let runId = last?.runId ?? null;
    const runCreated = runId === null;
    if (runId === null) {
      const run = await client.query<{ id: number }>(
        'INSERT INTO public.runs (started_at, status, source_file) VALUES ($1, $2, $3) RETURNING id',
        [(await stat(request.path)).mtime, 'imported', request.path],
      );
      runId = run.rows[0].id;
    }
    const range: CsvRange = { path: request.path, fromOffset, toOffset, fromLine };
    const parsed = await loadSamples(client, range, request, runId, last?.header, prefix);
    if (parsed.eventChunks.length > 0 && parsed.counts.events > 0) await copyChunks(client, eventCopySql, parsed.eventChunks);
    const previousSample = maxId(segments.map((s) => s.lastSampleId));
    const previousEvent = maxId(segments.map((s) => s.lastEventId));
    // The sub-selects (OFFSET 0) keep PostgreSQL from answering min(id) by walking the primary key
    // from the previous id, through every other run's rows: that grows with the table; reading this
    // run's rows through its run_id index does not.
    const ids = await client.query<{ fs: string | null; ls: string | null; fe: string | null; le: string | null }>(
      `SELECT s.fs, s.ls, e.fe, e.le
       FROM (SELECT min(id)::text AS fs, max(id)::text AS ls FROM (SELECT id FROM public.run_samples WHERE run_id = $1 AND id > $2 OFFSET 0) AS mine) AS s,
            (SELECT min(id)::text AS fe, max(id)::text AS le FROM (SELECT id FROM public.logger_events WHERE run_id = $1 AND id > $3 OFFSET 0) AS mine) AS e`,
      [runId, previousSample, previousEvent],
    );
    if (runCreated && parsed.counts.firstMicros !== null) {
      await client.query('UPDATE public.runs SET started_at = $2::timestamptz WHERE id = $1', [runId, formatMicros(parsed.counts.firstMicros)]);
    }
    await quarantineRejections(client, request, range, parsed);
    const segment: NewSegment = {
      migrationId: request.migrationId, unitKey: request.unitKey, step: request.step, filePath: request.path,
      fromOffset, toOffset, fromLine, toLine: parsed.nextLine, fileSize: size, prefixSha256: prefix.digest('hex'),
      header: [...parsed.header.fields], linesIngested: parsed.counts.records, samples: parsed.counts.samples,
      events: parsed.counts.events, rejected: parsed.counts.rejected, runId, runCreated,
      firstSampleId: ids.rows[0].fs, lastSampleId: ids.rows[0].ls, firstEventId: ids.rows[0].fe, lastEventId: ids.rows[0].le,
      profileId: null, profileCreated: false, appliedEventId: null,
      samplesSha256: parsed.samplesSha256, eventsSha256: parsed.eventsSha256,
    };
    await insertSegment(client, segment);
    await client.query('COMMIT');
    return { status: 'ingested', segment, nonNumeric: parsed.counts.nonNumeric };
  } catch (error) {
    broken = await client.query('ROLLBACK').then(() => false, () => true);
    throw error;
  } finally {
    client.release(broken);
  }
}

async function loadSamples(
  client: pg.PoolClient, range: CsvRange, request: IngestRequest, runId: number, header: string[] | undefined, prefix: ReturnType<typeof createHash>,
): Promise<SegmentParse> {
  const copy = client.query(copyFrom(sampleCopySql));
  const finished = new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
  });
  // A COPY error surfaces on the stream; keep it observed even while parsing is still going on.
  finished.catch(() => undefined);
  const parsed = await parseSegment(range, {
    file: request.path,
    runId,
    header: range.fromOffset > 0 ? header : undefined,
    hash: prefix,
    progress: (line) => request.heartbeat?.({ file: request.path, line }),
    onSampleChunks: async (chunks) => {
      for (const chunk of chunks) {
        if (!copy.write(chunk)) await new Promise<void>((resolve, reject) => {
          copy.once('drain', resolve);
          finished.catch(reject);
        });
      }
    },
  }).catch((error: unknown) => {
    copy.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  copy.end();
  await finished;
  return parsed;
}

async function copyChunks(client: pg.PoolClient, sql: string, chunks: Buffer[]): Promise<void> {
  const copy = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
    for (const chunk of chunks) copy.write(chunk);
    copy.end();
  });
}

async function quarantineRejections(client: pg.PoolClient, request: IngestRequest, range: CsvRange, parsed: SegmentParse): Promise<void> {
  if (parsed.rejections.length === 0) return;
  const entries = [];
  for (const r of parsed.rejections) {
    entries.push({
      unit_key: request.unitKey, record_ref: `${request.unitKey} line ${r.line}`, line_number: r.line,
      // PostgreSQL text cannot hold NUL: it is shown as the two characters \0.
      raw: (await readLines(range, r.line, r.line + r.span)).replace(/\0/g, '\\0'), code: r.code, reason: r.reason,
    });
  }
  await client.query(
    `INSERT INTO ferry.quarantine (migration_id, kind, unit_key, record_ref, line_number, raw, code, reason)
     SELECT $1, $2, e.unit_key, e.record_ref, e.line_number, e.raw, e.code, e.reason
     FROM jsonb_to_recordset($3::jsonb) AS e(unit_key text, record_ref text, line_number int, raw text, code text, reason text)
     ON CONFLICT (migration_id, unit_key, record_ref) DO NOTHING`,
    [request.migrationId, request.kind, JSON.stringify(entries)],
  );
}

function maxId(ids: readonly (string | null)[]): string {
  let best = 0n;
  for (const id of ids) if (id !== null && BigInt(id) > best) best = BigInt(id);
  return best.toString();
}

async function hashRange(path: string, from: number, to: number, hash: ReturnType<typeof createHash>): Promise<void> {
  if (to <= from) return;
  for await (const chunk of createReadStream(path, { start: from, end: to - 1 }) as AsyncIterable<Buffer>) hash.update(chunk);
}

/** Offset just past the last newline in [from, to), or `from` when the range holds no whole line. */
export async function completeLinesEnd(path: string, from: number, to: number): Promise<number> {
  if (to <= from) return from;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (let end = to; end > from; end -= buffer.length) {
      const start = Math.max(from, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const index = buffer.subarray(0, bytesRead).lastIndexOf(10);
      if (index >= 0) return start + index + 1;
    }
    return from;
  } finally {
    await handle.close();
  }
}
