/**
 * Validation of a chunked session against its monolithic original, streaming both: the original is
 * scanned item by item and each item is compared with the same item of the chunked copy (one chunk
 * of each array in memory). Reports every difference in the seed's format, plus manifest problems
 * (chunk checksums, counts, fields the original does not have).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanEvent } from './json-scanner';
import { scanSessionFile } from './scan-file';
import { compareValues, mismatchLine, MismatchReport } from './session-compare';
import { readMetadata } from './session-reader';
import { chunkedDir, groups, monolithicPath, parts, type ChunkedMetadata, type FileEntry, type GroupSpec } from './session-layout';

export interface VerifyResult {
  readonly ok: boolean;
  /** Report lines (the first 20, then a count of the rest). */
  readonly mismatches: readonly string[];
  readonly records: number;
  readonly bytesRead: number;
  readonly sourceSha256: string;
}

/** Reads one array's items from the chunked copy in order, loading chunk by chunk. */
class ChunkCursor {
  private chunk = -1;
  private items: unknown[] = [];
  private base = 0;
  private consumed = 0;

  constructor(private readonly load: (entry: FileEntry) => Promise<unknown[] | undefined>, private readonly entries: readonly FileEntry[]) {}

  /** Item `index` (asked in increasing order), or undefined past the end. */
  async at(index: number): Promise<unknown> {
    while (index >= this.base + this.items.length) {
      if (this.chunk + 1 >= this.entries.length) return undefined;
      this.base += this.items.length;
      this.chunk++;
      this.items = (await this.load(this.entries[this.chunk])) ?? [];
    }
    this.consumed = Math.max(this.consumed, index + 1);
    return this.items[index - this.base];
  }

  /** How many items the chunk files actually hold (reads the chunks not read yet). */
  async count(): Promise<number> {
    while (this.chunk + 1 < this.entries.length) {
      this.base += this.items.length;
      this.chunk++;
      this.items = (await this.load(this.entries[this.chunk])) ?? [];
    }
    return this.base + this.items.length;
  }
}

export async function verifyChunkedSession(root: string, id: string, options: { onProgress?: (bytesRead: number) => void; limit?: number } = {}): Promise<VerifyResult> {
  const report = new MismatchReport(options.limit ?? 20);
  const metadata = await readMetadata(root, id);
  if (!metadata) {
    report.add(mismatchLine('Chunked session', 'metadata.json', 'present', undefined));
    return { ok: false, mismatches: report.summary(), records: 0, bytesRead: 0, sourceSha256: '' };
  }
  const dir = chunkedDir(root, id);
  // Reads a listed file, reporting a missing file or a checksum difference, and parses it.
  const load = async (entry: FileEntry): Promise<unknown[] | undefined> => {
    let data: Buffer;
    try {
      data = await readFile(path.join(dir, entry.file));
    } catch {
      report.add(mismatchLine(`Chunk file ${entry.file}`, `manifest ${entry.file}`, 'present', undefined));
      return undefined;
    }
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== entry.sha256) report.add(mismatchLine(`Chunk ${entry.file} checksum`, `manifest ${entry.file}.sha256`, entry.sha256, actual));
    try {
      return JSON.parse(data.toString('utf8')) as unknown[];
    } catch {
      report.add(mismatchLine(`Chunk ${entry.file}`, entry.file, 'valid JSON', 'invalid JSON'));
      return undefined;
    }
  };
  const cursors = new Map<string, { spec: GroupSpec; cursor: ChunkCursor }>(
    groups.map((g) => [g.path.join('.'), { spec: g, cursor: new ChunkCursor(load, metadata.manifest.groups[g.name].chunks) }]),
  );
  const seenTop = new Set<string>();
  const seenVideo = new Set<string>();
  let records = 0;

  const onEvent = async (event: ScanEvent) => {
    const key = event.path.join('.');
    switch (event.type) {
      case 'object-start':
        if (key === 'video') seenTop.add('video');
        return;
      case 'array-start':
        if (event.path.length === 1) seenTop.add(key);
        else seenVideo.add(event.path[1]);
        return;
      case 'item': {
        records++;
        const { spec, cursor } = cursors.get(key)!;
        const actual = await cursor.at(event.index);
        if (actual === undefined) return; // reported once as a count mismatch
        const label = (leaf: string) => `${spec.label} ${event.index}${leaf ? ` ${leaf}` : ''}`;
        compareValues(event.value, actual, `${spec.path.join('.')}[${event.index}]`, label, report);
        return;
      }
      case 'array-end': {
        const { spec, cursor } = cursors.get(key)!;
        const group = metadata.manifest.groups[spec.name];
        const actual = await cursor.count();
        const field = `${spec.path.join('.')}.length`;
        if (!group.present) report.add(mismatchLine(`${spec.countLabel}`, spec.path.join('.'), `an array of ${event.count}`, undefined));
        else if (actual !== event.count) report.add(mismatchLine(`${spec.countLabel} count`, field, event.count, actual));
        else if (group.count !== event.count) report.add(mismatchLine(`${spec.countLabel} manifest count`, `manifest.groups.${spec.name}.count`, event.count, group.count));
        return;
      }
      case 'value': {
        if (event.path.length === 2) {
          const field = event.path[1];
          seenVideo.add(field);
          const actual = (metadata.core.video as Record<string, unknown> | undefined)?.[field];
          compareValues(event.value, actual, `video.${field}`, (leaf) => `Video ${field}${leaf ? ` ${leaf}` : ''}`, report);
          return;
        }
        const name = event.path[0];
        seenTop.add(name);
        const part = parts.find((p) => p.name === name);
        if (part) {
          const entry = metadata.manifest.parts[part.name];
          const actual = entry ? ((await load(entry)) as unknown) : undefined;
          compareValues(event.value, actual, name, (leaf) => `${part.label}${leaf ? ` ${leaf}` : ''}`, report);
          return;
        }
        compareValues(event.value, metadata.core[name], name, (leaf) => `Session ${name}${leaf ? ` ${leaf}` : ''}`, report);
      }
    }
  };

  const scanned = await scanSessionFile(monolithicPath(root, id), id, onEvent, options.onProgress);
  reportExtraFields(metadata, seenTop, seenVideo, report);
  if (metadata.manifest.source.sha256 !== scanned.sha256) {
    report.add(mismatchLine('Source checksum', 'manifest.source.sha256', scanned.sha256, metadata.manifest.source.sha256));
  }
  return { ok: report.total === 0, mismatches: report.summary(), records, bytesRead: scanned.bytes, sourceSha256: scanned.sha256 };
}

/** Fields the chunked copy has but the original does not. */
function reportExtraFields(metadata: ChunkedMetadata, seenTop: Set<string>, seenVideo: Set<string>, report: MismatchReport): void {
  const topFields = new Set([...Object.keys(metadata.core), ...metadata.manifest.fieldOrder]);
  for (const g of groups) if (metadata.manifest.groups[g.name].present && g.path.length === 1) topFields.add(g.name);
  for (const p of parts) if (metadata.manifest.parts[p.name]) topFields.add(p.name);
  for (const field of topFields) {
    if (!seenTop.has(field)) report.add(mismatchLine(`Session ${field}`, field, undefined, field in metadata.core ? metadata.core[field] : '(present)'));
  }
  const video = metadata.core.video;
  if (video && typeof video === 'object' && seenTop.has('video')) {
    const videoFields = new Set(Object.keys(video));
    if (metadata.manifest.groups.videoChunks.present) videoFields.add('chunks');
    for (const field of videoFields) {
      if (!seenVideo.has(field)) report.add(mismatchLine(`Video ${field}`, `video.${field}`, undefined, '(present)'));
    }
  }
}
