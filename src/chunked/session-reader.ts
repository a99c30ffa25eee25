/**
 * Reading the chunked layout, for applications and for validation: the metadata alone, one chunk,
 * one part, the items of one array chunk by chunk, or the whole session reassembled. Chunk files
 * are checked against the manifest's SHA-256 unless `verify: false`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FerryError } from '../errors';
import { exists } from './durable-fs';
import { assertSessionId } from './session-id';
import {
  chunkedDir, groupByName, groups, metadataPath, monolithicPath, parts,
  type ChunkedMetadata, type FileEntry, type GroupName, type PartName,
} from './session-layout';

export interface ReadOptions {
  readonly verify?: boolean;
}

/** The chunked session's metadata, or undefined when the session has no (complete) chunked form. */
export async function readMetadata(root: string, id: string): Promise<ChunkedMetadata | undefined> {
  let text: string;
  try {
    text = await readFile(metadataPath(root, id), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const metadata = JSON.parse(text) as ChunkedMetadata;
  if (typeof metadata.storageVersion !== 'number') {
    throw new FerryError('BAD_METADATA', `Session "${id}": metadata.json has no storageVersion`, { retryable: false, record: { session: id } });
  }
  return metadata;
}

/** True when the session is stored chunked and the app reads that form (no monolithic document left). */
export async function isChunked(root: string, id: string): Promise<boolean> {
  return (await exists(metadataPath(root, id))) && !(await exists(monolithicPath(root, id)));
}

async function readEntry(root: string, id: string, entry: FileEntry, options: ReadOptions): Promise<Buffer> {
  const data = await readFile(path.join(chunkedDir(root, id), entry.file));
  if (options.verify !== false) {
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== entry.sha256) {
      throw new FerryError('CHUNK_CHECKSUM_MISMATCH', `Session "${id}": ${entry.file} has SHA-256 ${actual.slice(0, 12)}…, the manifest says ${entry.sha256.slice(0, 12)}…`, {
        retryable: false, record: { session: id, file: entry.file },
      });
    }
  }
  return data;
}

/** The items of chunk `index` of one array. */
export async function readChunk(root: string, id: string, metadata: ChunkedMetadata, group: GroupName, index: number, options: ReadOptions = {}): Promise<unknown[]> {
  const entry = metadata.manifest.groups[group].chunks[index];
  if (!entry) throw new FerryError('NO_SUCH_CHUNK', `Session "${id}" has no chunk ${index} of ${group}`, { retryable: false, record: { session: id } });
  return JSON.parse((await readEntry(root, id, entry, options)).toString('utf8')) as unknown[];
}

/** A part's value (summary, audioInsights); undefined when the original had none. */
export async function readPart(root: string, id: string, metadata: ChunkedMetadata, part: PartName, options: ReadOptions = {}): Promise<unknown> {
  const entry = metadata.manifest.parts[part];
  if (!entry) return undefined;
  return JSON.parse((await readEntry(root, id, entry, options)).toString('utf8'));
}

/** The items of one array in order, one chunk in memory at a time. */
export async function* iterateItems(root: string, id: string, metadata: ChunkedMetadata, group: GroupName, options: ReadOptions = {}): AsyncGenerator<unknown> {
  const chunks = metadata.manifest.groups[group].chunks;
  for (let i = 0; i < chunks.length; i++) yield* await readChunk(root, id, metadata, group, i, options);
}

/** The whole session reassembled from its chunks, with the original's key order. */
export async function loadChunkedSession(root: string, id: string, options: ReadOptions = {}): Promise<Record<string, unknown>> {
  assertSessionId(id);
  const metadata = await readMetadata(root, id);
  if (!metadata) throw new FerryError('NOT_CHUNKED', `Session "${id}" has no chunked form in ${root}`, { retryable: false, record: { session: id } });
  const arrays = new Map<string, unknown[]>();
  for (const g of groups) {
    if (!metadata.manifest.groups[g.name].present) continue;
    const items: unknown[] = [];
    for await (const item of iterateItems(root, id, metadata, g.name, options)) items.push(item);
    arrays.set(g.path.join('.'), items);
  }
  const session: Record<string, unknown> = {};
  for (const key of metadata.manifest.fieldOrder) {
    const part = parts.find((p) => p.name === key);
    if (part) session[key] = await readPart(root, id, metadata, part.name, options);
    else if (arrays.has(key)) session[key] = arrays.get(key);
    else if (key === 'video' && metadata.manifest.videoFieldOrder) {
      const videoCore = metadata.core.video as Record<string, unknown>;
      const video: Record<string, unknown> = {};
      for (const field of metadata.manifest.videoFieldOrder) {
        video[field] = field === 'chunks' && arrays.has('video.chunks') ? arrays.get('video.chunks') : videoCore[field];
      }
      session.video = video;
    } else session[key] = metadata.core[key];
  }
  return session;
}

/** What the app loads: the monolithic document while it exists, else the chunked session. */
export async function loadSession(root: string, id: string): Promise<Record<string, unknown>> {
  const monolithic = monolithicPath(root, id);
  if (await exists(monolithic)) return JSON.parse(await readFile(monolithic, 'utf8')) as Record<string, unknown>;
  return loadChunkedSession(root, id);
}

export { groupByName };
