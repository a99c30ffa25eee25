/**
 * The cutover archive in the form that reads no array again: the lap arrays are the validated
 * session file itself (a copy, checked against convert's sha256), and PostgreSQL is asked only for
 * the rows' other columns (binary COPY, brotli), which it reads without opening an array. Restore
 * rebuilds every array field byte for byte (array-rebuild.ts, with the unusual headers convert
 * recorded) and checks each lap against the checksum convert took from PostgreSQL's own bytes
 * before the rows go back. Used when convert recorded the array headers, every lap checksum is of
 * the current scheme and validate found every lap bit-identical; otherwise archive.ts archives the
 * whole rows.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync } from 'node:zlib';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { sourceLapDigest } from '../../src/telemetry/lap-digest';
import { copyBinaryHeader, copyBinaryTrailer, copyBinaryTuple } from '../../src/telemetry/pg-binary-copy-writer';
import { copyBinaryTuples, int4 } from '../../src/telemetry/pg-binary-copy';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import { standardChannels } from '../../src/telemetry/types';
import { arrayField, elementBytes } from './array-rebuild';
import { archiveQuery, hashing, idList, syncAndRename, writeManifest, type ArchiveFile, type ArchiveManifest, type TableColumns } from './archive-manifest';
import type { ConvertedLap } from './ledger-detail';

/** The session file changed after validate: cutover must not archive or delete anything. */
export class SessionFileChanged extends Error {}

/** The table's columns in order, split into the array columns kept in the session file and the rest. */
async function columnsOf(client: pg.PoolClient, table: string, arrays: readonly string[]): Promise<TableColumns> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [table]);
  const names = rows.map((r) => r.name);
  const missing = arrays.filter((a) => !names.includes(a));
  if (missing.length > 0 || !names.includes('id')) throw new Error(`${table} lacks column(s) ${[...missing, ...(names.includes('id') ? [] : ['id'])].join(', ')}`);
  return { fields: names.filter((n) => !arrays.includes(n)), arrays: [...arrays] };
}

/** Copies `from` to `to` (synced, then renamed into place); returns the sha256 of what it copied. */
async function copyWithSha(from: string, to: string): Promise<string> {
  const hash = createHash('sha256');
  const temp = `${to}.tmp`;
  await pipeline(createReadStream(from), hashing(hash), createWriteStream(temp));
  await syncAndRename(temp, to);
  return hash.digest('hex');
}

/**
 * Within the client's open transaction, the lap rows locked and at the versions convert read:
 * archives the session's migrated rows (file copy + other columns), writes the manifest, deletes
 * the rows. The caller commits. Throws SessionFileChanged when the file is not the one convert wrote.
 */
export async function archiveFromFileAndDelete(
  client: pg.PoolClient, dir: string, migrationId: string, sessionId: number, session: { readonly file: string; readonly sha256: string; readonly laps: readonly ConvertedLap[] },
): Promise<ArchiveManifest> {
  await mkdir(dir, { recursive: true });
  const lapIds = session.laps.map(([, id]) => id);
  const lapRows = await client.query<{ id: number; lap_id: number | null }>('SELECT id, lap_id FROM lap_telemetry WHERE id = ANY($1) ORDER BY id', [lapIds]);
  const rowOfLapId = new Map<number, number>();
  for (const r of lapRows.rows) if (r.lap_id !== null && !rowOfLapId.has(r.lap_id)) rowOfLapId.set(r.lap_id, r.id);
  const channelRows = await client.query<{ id: number; lap_id: number; name: string }>(
    'SELECT c.id, c.lap_id, c.name FROM telemetry_channels c WHERE c.lap_id IN (SELECT lap_id FROM lap_telemetry WHERE id = ANY($1)) ORDER BY c.id FOR UPDATE', [lapIds]);
  const channelIds = channelRows.rows.map((r) => r.id);
  const columns = { lap_telemetry: await columnsOf(client, 'lap_telemetry', standardChannels), telemetry_channels: await columnsOf(client, 'telemetry_channels', ['data']) };
  const copy = path.join(dir, `${sessionId}.parquet`);
  const sha = await copyWithSha(session.file, copy).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new SessionFileChanged(`${session.file} is gone since convert wrote it; validate and cut over again`);
    throw error;
  });
  if (sha !== session.sha256) {
    await rm(copy, { force: true });
    throw new SessionFileChanged(`${session.file} changed after convert wrote it (sha256 ${sha}, convert recorded ${session.sha256}); validate and cut over again`);
  }
  const fieldsOf = (c: TableColumns) => c.fields.map(pg.escapeIdentifier).join(', ');
  const files: ArchiveFile[] = [
    { table: 'session_file', file: copy, rows: lapIds.length, sha256: sha, rawSha256: sha },
    await archiveQuery(client, 'lap_telemetry', `SELECT ${fieldsOf(columns.lap_telemetry)} FROM lap_telemetry WHERE id = ANY(${idList(lapIds)}) ORDER BY id`,
      path.join(dir, `${sessionId}.lap_telemetry.fields.pgcopy.br`), lapIds.length),
    await archiveQuery(client, 'telemetry_channels', `SELECT ${fieldsOf(columns.telemetry_channels)} FROM telemetry_channels WHERE id = ANY(${idList(channelIds)}) ORDER BY id`,
      path.join(dir, `${sessionId}.telemetry_channels.fields.pgcopy.br`), channelIds.length),
  ];
  const manifest: ArchiveManifest = {
    form: 'file+fields', sessionId, migrationId, lapTelemetryIds: lapIds, channelIds, files, createdAt: new Date().toISOString(), columns,
    laps: session.laps.map(([lapNumber, id, , digest, headers]) => (headers ? [id, lapNumber, digest, headers] : [id, lapNumber, digest])),
    channels: channelRows.rows.map((r) => [r.id, rowOfLapId.get(r.lap_id)!, r.name]),
  };
  await writeManifest(dir, manifest);
  await client.query('DELETE FROM telemetry_channels WHERE id = ANY($1)', [channelIds]);
  await client.query('DELETE FROM lap_telemetry WHERE id = ANY($1)', [lapIds]);
  return manifest;
}

interface RebuiltLap {
  readonly id: number;
  readonly length: number;
  readonly elements: ReadonlyMap<string, Uint8Array | null>;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

/**
 * Within the client's open transaction: puts the archived rows back, each array rebuilt from the
 * archived session file and each lap checked against convert's checksum first. The caller
 * checked that none of the rows exists and commits.
 */
export async function restoreFromFile(client: pg.PoolClient, manifest: ArchiveManifest): Promise<void> {
  const fileOf = (table: ArchiveFile['table']) => {
    const f = manifest.files.find((x) => x.table === table);
    if (!f) throw new Error(`archive of session ${manifest.sessionId}: the manifest names no ${table} file`);
    return f;
  };
  const sessionFile = fileOf('session_file');
  const { columns, laps = [], channels = [] } = manifest;
  if (!columns) throw new Error(`archive of session ${manifest.sessionId}: the manifest lists no columns`);
  const lapsById = new Map(laps.map((l) => [l[0], l]));
  const channelsById = new Map(channels.map((c) => [c[0], c]));
  const reader = await ParquetSessionReader.open(sessionFile.file);
  try {
    const names = reader.info.columns.map((c) => c.name);
    let last: RebuiltLap | undefined;
    const lapOf = async (id: number): Promise<RebuiltLap> => {
      if (last?.id === id) return last;
      const entry = lapsById.get(id);
      const index = entry ? reader.indexOfLap(entry[1]) : -1;
      if (!entry || index < 0) throw new Error(`archive of session ${manifest.sessionId}: lap_telemetry id ${id} has no lap in ${sessionFile.file}`);
      const lap = await reader.readLapAt(index);
      const elements = new Map(names.map((n) => {
        const column = lap.channels.get(n) ?? null;
        return [n, column && elementBytes(column, lap.length)] as const;
      }));
      const digest = sourceLapDigest(names.map((n) => {
        const bytes = elements.get(n);
        return bytes ? { length: lap.length, elements: bytes } : null;
      }));
      if (digest !== entry[2]) throw new Error(`archive of session ${manifest.sessionId}: lap ${entry[1]} (lap_telemetry id ${id}) rebuilt from ${sessionFile.file} differs from what convert read from PostgreSQL`);
      last = { id, length: lap.length, elements, headers: entry[3] };
      return last;
    };
    const field = (lap: RebuiltLap, name: string) => {
      const bytes = lap.elements.get(name) ?? null;
      return bytes && arrayField(lap.headers?.[name], bytes, lap.length);
    };
    await restoreTable(client, 'lap_telemetry', fileOf('lap_telemetry'), columns.lap_telemetry, async (id, fields) => {
      const lap = await lapOf(id);
      return [...fields, ...columns.lap_telemetry.arrays.map((name) => field(lap, name))];
    });
    await restoreTable(client, 'telemetry_channels', fileOf('telemetry_channels'), columns.telemetry_channels, async (id, fields) => {
      const channel = channelsById.get(id);
      if (!channel) throw new Error(`archive of session ${manifest.sessionId}: telemetry_channels id ${id} is not in the manifest`);
      return [...fields, field(await lapOf(channel[1]), channel[2])];
    });
  } finally {
    await reader.close();
  }
}

/**
 * Streams one table's rows back: the archived other columns (small: decompressed whole, checked
 * against their sha256 first) followed by the arrays `complete` gives for the row's id.
 */
async function restoreTable(
  client: pg.PoolClient, table: 'lap_telemetry' | 'telemetry_channels', archived: ArchiveFile, columns: TableColumns,
  complete: (id: number, fields: readonly (Buffer | null)[]) => Promise<(Uint8Array | null)[]>,
): Promise<void> {
  const raw = brotliDecompressSync(await readFile(archived.file));
  const rawSha = createHash('sha256').update(raw).digest('hex');
  if (rawSha !== archived.rawSha256) throw new Error(`archive ${archived.file} decompressed to a stream with sha256 ${rawSha}, manifest says ${archived.rawSha256}`);
  const idAt = columns.fields.indexOf('id');
  async function* tuples() {
    yield copyBinaryHeader();
    for await (const fields of copyBinaryTuples(Readable.from([raw]))) yield copyBinaryTuple(await complete(int4(fields[idAt])!, fields));
    yield copyBinaryTrailer();
  }
  const list = [...columns.fields, ...columns.arrays].map(pg.escapeIdentifier).join(', ');
  await pipeline(Readable.from(tuples()), client.query(copyStreams.from(`COPY ${table} (${list}) FROM STDIN (FORMAT binary)`)));
}
