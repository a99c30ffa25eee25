/**
 * On-demand migration of one session (the seed's recommended strategy: migrate when first loaded).
 * Backup, convert, validate and cut over in one call, under the session's advisory lock, so two
 * callers asking at once cause one migration and both get the same chunked session.
 */
import { rm } from 'node:fs/promises';
import type pg from 'pg';
import { FerryError } from '../errors';
import { findBackup, writeBackup } from './backup-file';
import { writeChunkedSession } from './chunked-writer';
import { exists, fsyncDir } from './durable-fs';
import { assertSessionId } from './session-id';
import { chunkedDir, monolithicPath, type ChunkedMetadata } from './session-layout';
import { withSessionLock } from './session-lock';
import { loadChunkedSession, readMetadata } from './session-reader';
import { verifyChunkedSession } from './verify-session';

export const onDemandMigrationId = 'on-demand';

export interface MigrateOneDeps {
  readonly pool: pg.Pool;
  readonly root: string;
  readonly retentionDays?: number;
}

export interface MigrateOneResult {
  readonly sessionId: string;
  /** migrated: this call did it; already-chunked: it was done before (or by a concurrent caller). */
  readonly outcome: 'migrated' | 'already-chunked';
  readonly metadata: ChunkedMetadata;
  readonly backupFile?: string;
}

export async function migrateOne(deps: MigrateOneDeps, sessionId: string): Promise<MigrateOneResult> {
  const id = assertSessionId(sessionId);
  const { root } = deps;
  return withSessionLock(deps.pool, id, async () => {
    const original = monolithicPath(root, id);
    const existing = await readMetadata(root, id);
    if (!(await exists(original))) {
      if (existing) return { sessionId: id, outcome: 'already-chunked', metadata: existing };
      throw new FerryError('SESSION_NOT_FOUND', `Session "${id}" does not exist in ${root}`, { retryable: false, record: { session: id } });
    }
    const written = await writeChunkedSession({ root, id, migrationId: onDemandMigrationId });
    const check = await verifyChunkedSession(root, id);
    if (!check.ok) {
      if (written.status === 'written') await rm(chunkedDir(root, id), { recursive: true, force: true });
      throw new FerryError('VALIDATION_FAILED', `Session "${id}" was not migrated: the chunked copy differs from the original:\n  - ${check.mismatches.join('\n  - ')}`, {
        retryable: false, record: { session: id },
      });
    }
    // A backup of exactly this original (from an earlier, interrupted call) is reused.
    let backup = await findBackup(root, id, onDemandMigrationId);
    if (!backup || backup.header.originalSha256 !== check.sourceSha256) {
      backup = await writeBackup({ root, id, migrationId: onDemandMigrationId, retentionDays: deps.retentionDays });
    }
    if (backup.header.originalSha256 !== check.sourceSha256) {
      throw new FerryError('SOURCE_CHANGED', `Session "${id}" changed after its backup was made; call again`, { retryable: true, record: { session: id } });
    }
    await rm(original);
    await fsyncDir(root);
    return { sessionId: id, outcome: 'migrated', metadata: written.metadata, backupFile: backup.file };
  });
}

/** The seed's loadSession with on-demand migration: migrates if needed, then loads the chunked form. */
export async function loadSessionMigrating(deps: MigrateOneDeps, sessionId: string): Promise<Record<string, unknown>> {
  await migrateOne(deps, sessionId);
  return loadChunkedSession(deps.root, sessionId);
}
