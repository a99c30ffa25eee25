/**
 * Converts one monolithic session file into the chunked layout, crash-safely: everything is written
 * into a staging folder (chunks first, metadata.json last, each file fsynced), then the folder is
 * renamed into place in one step. Reading streams the document, so memory is bounded by one chunk.
 * The monolithic original is only read.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ChunkAssembler } from './chunk-format';
import type { ScanEvent } from './json-scanner';
import { exists, fsyncDir, nonce, writeFileDurable } from './durable-fs';
import { malformed, scanSessionFile } from './scan-file';
import { readMetadata } from './session-reader';
import {
  chunkFileName, chunkedDir, groups, metadataFile, monolithicPath, parts, stagingRoot, storageVersion,
  type ChunkEntry, type ChunkedMetadata, type FileEntry, type GroupManifest, type GroupName, type GroupSpec, type PartName,
} from './session-layout';
import { SessionShapeCheck } from './session-shape';

export interface ChunkLimits {
  /** Items per chunk at most. */
  readonly itemsPerChunk: number;
  /** A chunk is closed once it holds this many bytes. */
  readonly maxChunkBytes: number;
}

export const defaultChunkLimits: ChunkLimits = { itemsPerChunk: 500, maxChunkBytes: 1024 * 1024 };

export interface WriteChunkedOptions {
  readonly root: string;
  readonly id: string;
  /** Recorded in metadata.json: who made this chunked session (a migration id or "on-demand"). */
  readonly migrationId: string;
  readonly limits?: ChunkLimits;
  /** When false, files are only written (for a dry run's planning, nothing is kept anyway). */
  readonly durable?: boolean;
  /** When true, nothing is written: the result says what would be. */
  readonly planOnly?: boolean;
  readonly onProgress?: (bytesRead: number) => void;
  readonly now?: Date;
  /**
   * When false, the root and staging folders are not fsynced after the final rename: the caller
   * does it once for a whole batch, before it reports any of the batch's sessions as converted.
   */
  readonly syncParents?: boolean;
}

export interface WriteChunkedResult {
  /** written: a new chunked session; existing: an identical one was already there; planned: dry run. */
  readonly status: 'written' | 'existing' | 'planned';
  readonly metadata: ChunkedMetadata;
  readonly records: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Size and modification time of the original when read (cutover checks it did not change). */
  readonly sourceStat: { readonly size: number; readonly mtimeMs: number };
}

class GroupWriter {
  private readonly chunk = new ChunkAssembler();
  private total = 0;
  present = false;
  readonly chunks: ChunkEntry[] = [];

  constructor(private readonly spec: GroupSpec, private readonly sink: (file: string, data: Buffer) => Promise<FileEntry>, private readonly limits: ChunkLimits) {}

  async add(raw: Buffer): Promise<void> {
    this.chunk.add(raw);
    this.total++;
    if (this.chunk.count >= this.limits.itemsPerChunk || this.chunk.size >= this.limits.maxChunkBytes) await this.flush();
  }

  async flush(): Promise<void> {
    const count = this.chunk.count;
    if (count === 0) return;
    const entry = await this.sink(chunkFileName(this.spec, this.chunks.length), this.chunk.assembled());
    this.chunks.push({ ...entry, count });
    this.chunk.reset();
  }

  manifest(): GroupManifest {
    return { present: this.present, count: this.total, chunks: this.chunks };
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function writeChunkedSession(options: WriteChunkedOptions): Promise<WriteChunkedResult> {
  const { root, id } = options;
  const source = monolithicPath(root, id);
  const limits = options.limits ?? defaultChunkLimits;
  const durable = options.durable ?? true;
  const planOnly = options.planOnly ?? false;
  const sourceStat = await stat(source);
  const staging = path.join(stagingRoot(root), `${id}.${nonce()}`);
  if (!planOnly) {
    await removeStaleStaging(root, id);
    await mkdir(staging, { recursive: true });
  }
  let bytesWritten = 0;
  const madeFolders = new Set<string>();
  const sink = async (file: string, data: Buffer): Promise<FileEntry> => {
    if (!planOnly) {
      const target = path.join(staging, file);
      const folder = path.dirname(target);
      if (!madeFolders.has(folder)) {
        await mkdir(folder, { recursive: true });
        madeFolders.add(folder);
      }
      await writeFileDurable(target, data, durable);
    }
    bytesWritten += data.length;
    return { file, bytes: data.length, sha256: sha256(data) };
  };

  const writers = new Map<string, GroupWriter>(groups.map((g) => [g.path.join('.'), new GroupWriter(g, sink, limits)]));
  const shape = new SessionShapeCheck(id);
  const core: Record<string, unknown> = {};
  let video: Record<string, unknown> | undefined;
  const fieldOrder: string[] = [];
  const videoFieldOrder: string[] = [];
  const partEntries: Partial<Record<PartName, FileEntry>> = {};
  let records = 0;

  const onEvent = async (event: ScanEvent) => {
    shape.observe(event);
    const key = event.path.join('.');
    switch (event.type) {
      case 'object-start':
        if (key === 'video') {
          fieldOrder.push('video');
          video = {};
          core.video = video;
        }
        return;
      case 'array-start':
        writers.get(key)!.present = true;
        if (event.path.length === 1) fieldOrder.push(event.path[0]);
        else videoFieldOrder.push(event.path[1]);
        return;
      case 'item':
        records++;
        await writers.get(key)!.add(event.raw);
        return;
      case 'array-end':
        await writers.get(key)!.flush();
        return;
      case 'value': {
        if (event.path.length === 2) {
          video![event.path[1]] = event.value;
          videoFieldOrder.push(event.path[1]);
          return;
        }
        const name = event.path[0];
        fieldOrder.push(name);
        const part = parts.find((p) => p.name === name);
        if (part) partEntries[part.name] = await sink(part.file, event.raw);
        else core[name] = event.value;
      }
    }
  };

  let scanned;
  try {
    scanned = await scanSessionFile(source, id, onEvent, options.onProgress);
    const problem = shape.finish();
    if (problem) throw malformed(id, source, problem);
  } catch (error) {
    if (!planOnly) await rm(staging, { recursive: true, force: true });
    throw error;
  }

  const metadata: ChunkedMetadata = {
    storageVersion,
    id,
    core,
    manifest: {
      fieldOrder,
      ...(video ? { videoFieldOrder } : {}),
      groups: Object.fromEntries(groups.map((g) => [g.name, writers.get(g.path.join('.'))!.manifest()])) as Record<GroupName, GroupManifest>,
      parts: partEntries,
      source: { bytes: scanned.bytes, sha256: scanned.sha256 },
    },
    migration: { migrationId: options.migrationId, migratedAt: (options.now ?? new Date()).toISOString() },
  };
  const metadataBytes = Buffer.from(JSON.stringify(metadata));
  bytesWritten += metadataBytes.length;
  const result = { metadata, records, bytesRead: scanned.bytes, bytesWritten, sourceStat: { size: sourceStat.size, mtimeMs: sourceStat.mtimeMs } };
  if (planOnly) return { status: 'planned', ...result };

  // This migration already put an identical chunked session in place (a retry after the rename): keep it.
  const current = await readMetadata(root, id).catch(() => undefined);
  if (current && current.manifest.source.sha256 === scanned.sha256 && current.migration.migrationId === options.migrationId) {
    await rm(staging, { recursive: true, force: true });
    return { status: 'existing', ...result, metadata: current, bytesWritten: 0 };
  }

  await writeFileDurable(path.join(staging, metadataFile), metadataBytes, durable);
  if (durable) {
    for (const folder of madeFolders) await fsyncDir(folder);
    await fsyncDir(staging);
  }
  const target = chunkedDir(root, id);
  if (await exists(target)) {
    // A stale chunked folder (made from an older version of the document): move it aside first.
    const aside = path.join(stagingRoot(root), `${id}.old-${nonce()}`);
    await rename(target, aside);
    await rename(staging, target);
    await rm(aside, { recursive: true, force: true });
  } else {
    await rename(staging, target);
  }
  if (durable && (options.syncParents ?? true)) {
    await fsyncDir(root);
    await fsyncDir(stagingRoot(root));
  }
  return { status: 'written', ...result };
}

/** Removes what a crashed writer left in the staging folder for this session. */
export async function removeStaleStaging(root: string, id: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(stagingRoot(root));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    if (name.startsWith(`${id}.`)) await rm(path.join(stagingRoot(root), name), { recursive: true, force: true });
  }
}
