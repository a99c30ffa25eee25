/**
 * What a cutover archive holds and how its pieces are written: the manifest (ids, files with
 * sha256 checksums, and for the file form the columns and laps needed to rebuild the rows) and
 * the brotli'd binary COPY streams both forms use.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createBrotliCompress } from 'node:zlib';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

export interface ArchiveFile {
  /** Whose rows the file holds; `session_file` is the copy of the session's Parquet file. */
  readonly table: 'lap_telemetry' | 'telemetry_channels' | 'session_file';
  readonly file: string;
  readonly rows: number;
  /** sha256 of the file as stored. */
  readonly sha256: string;
  /** sha256 of the uncompressed COPY stream. */
  readonly rawSha256: string;
}

/** A table's columns in the archive: `fields` archived as COPY fields, `arrays` rebuilt from the session file. */
export interface TableColumns {
  readonly fields: readonly string[];
  readonly arrays: readonly string[];
}

export interface ArchiveManifest {
  /** `rows` (absent in archives of earlier versions): whole rows as binary COPY. `file+fields`: archive-from-file.ts. */
  readonly form?: 'rows' | 'file+fields';
  readonly sessionId: number;
  readonly migrationId: string;
  readonly lapTelemetryIds: readonly number[];
  readonly channelIds: readonly number[];
  readonly files: readonly ArchiveFile[];
  readonly createdAt: string;
  readonly columns?: { readonly lap_telemetry: TableColumns; readonly telemetry_channels: TableColumns };
  /** [lap_telemetry id, lap number, content checksum, unusual array headers]. */
  readonly laps?: readonly (readonly [number, number, string, Readonly<Record<string, string>>?])[];
  /** [telemetry_channels id, lap_telemetry id whose lap holds its column, channel name]. */
  readonly channels?: readonly (readonly [number, number, string])[];
}

export const manifestPath = (dir: string, sessionId: number) => path.join(dir, `${sessionId}.manifest.json`);

export function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({ transform(chunk, _enc, done) { hash.update(chunk as Buffer); done(null, chunk); } });
}

export const idList = (ids: readonly number[]) => `'{${ids.map((id) => Math.trunc(id)).join(',')}}'::int[]`;

/** Copies `select` (within the client's transaction) into a compressed file; returns its facts. */
export async function archiveQuery(client: pg.PoolClient, table: 'lap_telemetry' | 'telemetry_channels', select: string, file: string, rows: number): Promise<ArchiveFile> {
  const raw = createHash('sha256');
  const packed = createHash('sha256');
  const temp = `${file}.tmp`;
  const compress = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 0 } });
  await pipeline(client.query(copyStreams.to(`COPY (${select}) TO STDOUT (FORMAT binary)`)), hashing(raw), compress, hashing(packed), createWriteStream(temp));
  await syncAndRename(temp, file);
  return { table, file, rows, sha256: packed.digest('hex'), rawSha256: raw.digest('hex') };
}

/** Makes a fully written temporary file durable, then gives it its final name. */
export async function syncAndRename(temp: string, file: string): Promise<void> {
  const fh = await open(temp, 'r+');
  await fh.sync();
  await fh.close();
  await rename(temp, file);
}

export async function writeManifest(dir: string, manifest: ArchiveManifest): Promise<void> {
  const target = manifestPath(dir, manifest.sessionId);
  await writeFile(`${target}.tmp`, JSON.stringify(manifest, null, 1));
  await rename(`${target}.tmp`, target);
}

export async function readManifest(dir: string, sessionId: number): Promise<ArchiveManifest | null> {
  try {
    return JSON.parse(await readFile(manifestPath(dir, sessionId), 'utf8')) as ArchiveManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
