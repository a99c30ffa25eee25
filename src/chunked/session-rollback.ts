/**
 * Undo for one session: restore the monolithic document from a backup, byte for byte, then remove
 * the chunked copy. Refused (non-retryable FerryError) when no backup exists or it has expired, and
 * the chunked copy is never removed unless the original is back in place.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { FerryError } from '../errors';
import { exists, fsyncDir, nonce } from './durable-fs';
import { findBackup, isExpired, listBackupFiles, readBackupHeader, restoreFromBackup, sha256File, type BackupInfo } from './backup-file';
import { assertSessionId } from './session-id';
import { chunkedDir, monolithicPath, stagingRoot } from './session-layout';
import { readMetadata } from './session-reader';

export interface RollbackSessionOptions {
  /** Use this migration's backup; default: the newest backup of the session. */
  readonly migrationId?: string;
  readonly now?: Date;
}

export interface RollbackSessionResult {
  readonly restored: boolean;
  readonly removedChunked: boolean;
  readonly backupFile?: string;
}

export async function chooseBackup(root: string, id: string, migrationId?: string): Promise<BackupInfo | undefined> {
  if (migrationId) return findBackup(root, id, migrationId);
  for (const file of await listBackupFiles(root, id)) {
    const info = await readBackupHeader(file).catch(() => undefined);
    if (info) return info;
  }
  return undefined;
}

/** Restores the original from its backup if it is gone (refusing expired or missing backups). */
export async function restoreOriginal(root: string, id: string, options: RollbackSessionOptions = {}): Promise<{ restored: boolean; backup?: BackupInfo }> {
  assertSessionId(id);
  const backup = await chooseBackup(root, id, options.migrationId);
  if (await exists(monolithicPath(root, id))) return { restored: false, backup };
  if (!backup) {
    throw new FerryError('BACKUP_MISSING', `Cannot roll back session "${id}": no backup of it was found in ${root}; its chunked form is kept`, {
      retryable: false, record: { session: id },
    });
  }
  if (isExpired(backup, options.now)) {
    throw new FerryError('BACKUP_EXPIRED', `Cannot roll back session "${id}": its backup ${path.basename(backup.file)} expired at ${backup.header.expiresAt}; its chunked form is kept`, {
      retryable: false, record: { session: id, file: backup.file },
    });
  }
  await restoreFromBackup(root, backup, { now: options.now });
  return { restored: true, backup };
}

/**
 * Removes the chunked copy, only when the monolithic original is in place and is the document the
 * copy was made from (so the session always exists in one complete form). `onlyMadeBy` limits it
 * to copies a given migration made.
 */
export async function removeChunkedCopy(root: string, id: string, onlyMadeBy?: string): Promise<boolean> {
  const metadata = await readMetadata(root, id).catch(() => undefined);
  const dir = chunkedDir(root, id);
  if (!metadata) {
    if (await exists(dir)) await rm(dir, { recursive: true, force: true });
    return false;
  }
  if (onlyMadeBy && metadata.migration.migrationId !== onlyMadeBy) return false;
  const original = monolithicPath(root, id);
  if (!(await exists(original))) {
    throw new FerryError('ORIGINAL_MISSING', `Session "${id}": the monolithic document is missing, so its chunked form (the only copy) is kept`, { retryable: false, record: { session: id } });
  }
  if ((await sha256File(original)) !== metadata.manifest.source.sha256) {
    throw new FerryError('SOURCE_CHANGED', `Session "${id}": the monolithic document differs from the one the chunked form was made from; both are kept for a person to decide`, {
      retryable: false, record: { session: id },
    });
  }
  // Out of sight first (one rename), then deleted: the app never sees a half-removed session.
  await mkdir(stagingRoot(root), { recursive: true });
  const aside = path.join(stagingRoot(root), `${id}.removed-${nonce()}`);
  await rename(dir, aside);
  await fsyncDir(root);
  await rm(aside, { recursive: true, force: true });
  return true;
}

/** The seed's rollbackSessionMigration: original back from its backup, chunked copy removed. */
export async function rollbackSession(root: string, id: string, options: RollbackSessionOptions = {}): Promise<RollbackSessionResult> {
  const { restored, backup } = await restoreOriginal(root, id, options);
  const removedChunked = await removeChunkedCopy(root, id);
  return { restored, removedChunked, backupFile: backup?.file };
}
