/**
 * Validation of a chunked session against its monolithic original, streaming both: the original is
 * scanned item by item and each array is checked against its chunks (src/chunked/group-verifier.ts:
 * by checksum where the bytes are the original's, value by value where they are not; one chunk of
 * each array in memory). Reports every difference in the seed's format, plus manifest problems
 * (chunk checksums, counts, fields the original does not have).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ScanEvent } from './json-scanner';
import { ByteBuilder, readFileInto } from './byte-builder';
import { GroupVerifier, type LoadedChunk } from './group-verifier';
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

export async function verifyChunkedSession(root: string, id: string, options: { onProgress?: (bytesRead: number) => void; limit?: number } = {}): Promise<VerifyResult> {
  const report = new MismatchReport(options.limit ?? 20);
  const metadata = await readMetadata(root, id);
  if (!metadata) {
    report.add(mismatchLine('Chunked session', 'metadata.json', 'present', undefined));
    return { ok: false, mismatches: report.summary(), records: 0, bytesRead: 0, sourceSha256: '' };
  }
  const dir = chunkedDir(root, id);
  const readBuffer = new ByteBuilder(1024 * 1024);
  // Reads a listed file, reporting a missing file or a checksum unlike the manifest's.
  const read = async (entry: FileEntry): Promise<LoadedChunk | undefined> => {
    let data: Buffer;
    try {
      data = await readFileInto(path.join(dir, entry.file), readBuffer);
    } catch {
      report.add(mismatchLine(`Chunk file ${entry.file}`, `manifest ${entry.file}`, 'present', undefined));
      return undefined;
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (sha256 !== entry.sha256) report.add(mismatchLine(`Chunk ${entry.file} checksum`, `manifest ${entry.file}.sha256`, entry.sha256, sha256));
    return { data, sha256 };
  };
  const parse = (entry: FileEntry, chunk: LoadedChunk): unknown[] | undefined => {
    try {
      return JSON.parse(chunk.data.toString('utf8')) as unknown[];
    } catch {
      report.add(mismatchLine(`Chunk ${entry.file}`, entry.file, 'valid JSON', 'invalid JSON'));
      return undefined;
    }
  };
  const load = async (entry: FileEntry): Promise<unknown> => {
    const chunk = await read(entry);
    return chunk && parse(entry, chunk);
  };
  const verifiers = new Map<string, { spec: GroupSpec; verifier: GroupVerifier }>(
    groups.map((spec) => {
      const fieldPath = (index: number) => `${spec.path.join('.')}[${index}]`;
      const verifier = new GroupVerifier(metadata.manifest.groups[spec.name].chunks, {
        read,
        parse,
        compare: (index, expected, actual) => compareValues(expected, actual, fieldPath(index), (leaf) => `${spec.label} ${index}${leaf ? ` ${leaf}` : ''}`, report),
        parseOriginal: (index, raw) => {
          try {
            return JSON.parse(raw.toString('utf8'));
          } catch {
            report.add(mismatchLine(`${spec.label} ${index} in the original`, fieldPath(index), 'valid JSON', 'invalid JSON'));
            return undefined;
          }
        },
      });
      return [spec.path.join('.'), { spec, verifier }];
    }),
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
      case 'item':
        records++;
        await verifiers.get(key)!.verifier.item(event.index, event.raw);
        return;
      case 'array-end': {
        const { spec, verifier } = verifiers.get(key)!;
        const group = metadata.manifest.groups[spec.name];
        const actual = await verifier.finish();
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
          const actual = entry ? await load(entry) : undefined;
          compareValues(event.value, actual, name, (leaf) => `${part.label}${leaf ? ` ${leaf}` : ''}`, report);
          return;
        }
        compareValues(event.value, metadata.core[name], name, (leaf) => `Session ${name}${leaf ? ` ${leaf}` : ''}`, report);
      }
    }
  };

  const scanned = await scanSessionFile(monolithicPath(root, id), id, onEvent, options.onProgress, { parseItems: false });
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
