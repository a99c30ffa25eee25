/**
 * What a store holds: monolithic (legacy) sessions, chunked sessions, and the migration status the
 * seed's `getMigrationStatus` reports. Names that are not valid session ids are listed apart.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidSessionId } from './session-id';
import { metadataFile } from './session-layout';

export interface StoreListing {
  /** Ids with a monolithic document `<id>.json` (sorted). */
  readonly legacy: readonly string[];
  /** Ids whose chunked form is what the app reads (no monolithic document left; sorted). */
  readonly chunked: readonly string[];
  /** `*.json` names whose id is not allowed (they are never opened). */
  readonly invalidNames: readonly string[];
}

export async function listStore(root: string): Promise<StoreListing> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { legacy: [], chunked: [], invalidNames: [] };
    throw error;
  }
  const legacy = new Set<string>();
  const folders: string[] = [];
  const invalidNames: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isFile() && entry.name.endsWith('.json')) {
      const id = entry.name.slice(0, -'.json'.length);
      if (isValidSessionId(id)) legacy.add(id);
      else invalidNames.push(entry.name);
    } else if (entry.isDirectory() && isValidSessionId(entry.name)) {
      folders.push(entry.name);
    }
  }
  const chunked: string[] = [];
  for (const id of folders) {
    if (legacy.has(id)) continue;
    try {
      await stat(path.join(root, id, metadataFile));
      chunked.push(id);
    } catch {
      // A folder without metadata.json is not a (complete) chunked session.
    }
  }
  return { legacy: [...legacy].sort(), chunked: chunked.sort(), invalidNames: invalidNames.sort() };
}

export interface MigrationStatus {
  readonly total: number;
  readonly chunked: number;
  readonly legacy: number;
  /** Chunked share of all sessions, 0–100, rounded down. */
  readonly percentage: number;
}

/** The seed's getMigrationStatus: how far a store is from being all chunked. */
export async function getMigrationStatus(root: string): Promise<MigrationStatus> {
  const listing = await listStore(root);
  const total = listing.legacy.length + listing.chunked.length;
  return { total, chunked: listing.chunked.length, legacy: listing.legacy.length, percentage: total === 0 ? 100 : Math.floor((listing.chunked.length / total) * 100) };
}
