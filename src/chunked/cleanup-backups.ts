/**
 * Removes old session backups (the seed's cleanupOldBackups), never one that a migration still in
 * progress may need for its rollback: a backup names the migration that made it, and migrations
 * whose phase in ferry.migrations is not final keep theirs whatever their age.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { fsyncDir } from './durable-fs';
import { listBackupFiles, readBackupHeader } from './backup-file';

/** Phases after which a migration no longer rolls back by itself. */
const finalPhases = ['completed', 'rolled-back'];

export interface CleanupOptions {
  readonly root: string;
  /** Backups made more than this many days ago are removed. */
  readonly olderThanDays: number;
  readonly dryRun?: boolean;
  readonly now?: Date;
}

export interface CleanupResult {
  /** Removed (or, in a dry run, would be removed). */
  readonly removed: readonly string[];
  /** Old enough, but kept, with the reason. */
  readonly kept: readonly { readonly file: string; readonly reason: string }[];
  /** Younger than the limit. */
  readonly young: number;
  readonly dryRun: boolean;
}

export async function cleanupBackups(pool: pg.Pool, options: CleanupOptions): Promise<CleanupResult> {
  const now = options.now ?? new Date();
  const limit = now.getTime() - options.olderThanDays * 86_400_000;
  const active = await pool.query<{ id: string; phase: string }>(
    `SELECT id, phase FROM ferry.migrations WHERE kind = 'monolithic-to-chunked' AND NOT (phase = ANY($1))`,
    [finalPhases],
  );
  const inProgress = new Map(active.rows.map((row) => [row.id, row.phase]));
  const removed: string[] = [];
  const kept: { file: string; reason: string }[] = [];
  let young = 0;
  for (const file of await listBackupFiles(options.root)) {
    let info;
    try {
      info = await readBackupHeader(file);
    } catch (error) {
      kept.push({ file, reason: `unreadable header (${(error as Error).message}); left for a person to check` });
      continue;
    }
    const made = new Date(info.header.backupCreatedAt).getTime();
    if (!(made < limit)) {
      young++;
      continue;
    }
    const phase = inProgress.get(info.header.migrationId);
    if (phase !== undefined) {
      kept.push({ file, reason: `migration "${info.header.migrationId}" is still in progress (phase ${phase}) and may roll back` });
      continue;
    }
    if (!options.dryRun) await rm(file, { force: true });
    removed.push(file);
  }
  if (!options.dryRun && removed.length > 0) await fsyncDir(options.root);
  return { removed: removed.map((f) => path.resolve(f)), kept, young, dryRun: options.dryRun ?? false };
}

/** Parses "30d", "12h" or a bare number of days into days. */
export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([dh]?)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an age: use a number of days such as 30d (or hours: 12h)`);
  const value = Number(match[1]);
  return match[2] === 'h' ? value / 24 : value;
}
