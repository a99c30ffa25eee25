/**
 * The chunked session layout, on disk and in types. One store is a root folder:
 *
 *   <root>/<id>.json                       a monolithic (legacy) session document
 *   <root>/<id>/metadata.json              a chunked session: core fields, storageVersion, manifest
 *   <root>/<id>/screenshots/000000.json    chunks: JSON arrays of consecutive items
 *   <root>/<id>/audio-segments/…           (audioSegments)
 *   <root>/<id>/video-chunks/…             (video.chunks)
 *   <root>/<id>/summary.json               parts: one top-level value each
 *   <root>/<id>/audio-insights.json
 *   <root>/<id>.backup-<timestamp>         a backup of the monolithic original
 *   <root>/.staging/                       folders being written (never read by the app)
 *
 * metadata.json is written last and the folder appears by one rename, so a chunked session that
 * exists is complete. While `<id>.json` exists the app reads it; cutover removes it.
 */
import path from 'node:path';
import { assertSessionId } from './session-id';

export const storageVersion = 1;

/** The arrays stored as chunks: name, where they sit in the monolithic document, folder. */
export const groups = [
  { name: 'screenshots', path: ['screenshots'], folder: 'screenshots', label: 'Screenshot', countLabel: 'Screenshots' },
  { name: 'audioSegments', path: ['audioSegments'], folder: 'audio-segments', label: 'Audio segment', countLabel: 'Audio segments' },
  { name: 'videoChunks', path: ['video', 'chunks'], folder: 'video-chunks', label: 'Video chunk', countLabel: 'Video chunks' },
] as const;
export type GroupName = (typeof groups)[number]['name'];
export type GroupSpec = (typeof groups)[number];

/** Top-level values stored in a file each (they can be long narratives). */
export const parts = [
  { name: 'summary', file: 'summary.json', label: 'Summary' },
  { name: 'audioInsights', file: 'audio-insights.json', label: 'Audio insights' },
] as const;
export type PartName = (typeof parts)[number]['name'];

export interface FileEntry {
  /** Relative to the session folder. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ChunkEntry extends FileEntry {
  readonly count: number;
}

export interface GroupManifest {
  /** Whether the original had this array at all (absent arrays stay absent when reassembled). */
  readonly present: boolean;
  readonly count: number;
  readonly chunks: readonly ChunkEntry[];
}

export interface Manifest {
  /** Key order of the original document and of its `video` object, for a faithful reassembly. */
  readonly fieldOrder: readonly string[];
  readonly videoFieldOrder?: readonly string[];
  readonly groups: Readonly<Record<GroupName, GroupManifest>>;
  readonly parts: Readonly<Partial<Record<PartName, FileEntry>>>;
  /** The monolithic document this was made from. */
  readonly source: { readonly bytes: number; readonly sha256: string };
}

export interface ChunkedMetadata {
  readonly storageVersion: number;
  readonly id: string;
  /** Top-level fields other than the chunked arrays and parts; `video` without its chunks. */
  readonly core: Readonly<Record<string, unknown>>;
  readonly manifest: Manifest;
  readonly migration: { readonly migrationId: string; readonly migratedAt: string };
}

export const stagingFolder = '.staging';
export const metadataFile = 'metadata.json';

export function monolithicPath(root: string, id: string): string {
  return path.join(root, `${assertSessionId(id)}.json`);
}

export function chunkedDir(root: string, id: string): string {
  return path.join(root, assertSessionId(id));
}

export function metadataPath(root: string, id: string): string {
  return path.join(chunkedDir(root, id), metadataFile);
}

export function stagingRoot(root: string): string {
  return path.join(root, stagingFolder);
}

export function chunkFileName(group: GroupSpec, index: number): string {
  return `${group.folder}/${String(index).padStart(6, '0')}.json`;
}

export function groupByName(name: GroupName): GroupSpec {
  return groups.find((g) => g.name === name)!;
}
