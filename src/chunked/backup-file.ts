/**
 * Backups of monolithic sessions: `<root>/<id>.backup-<timestamp>`, a JSON document in the seed's
 * format — { backupCreatedAt, expiresAt, originalFormat, …, session } — whose `session` value is the
 * original file's bytes copied verbatim (streamed, so any size works), which is what lets rollback
 * restore the original byte for byte. The header fields come first so they can be read cheaply.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FerryError } from '../errors';
import { readPieces } from './byte-builder';
import { fsyncDir, nonce, writeAll } from './durable-fs';
import { assertSessionId } from './session-id';
import { monolithicPath, stagingRoot } from './session-layout';

export const defaultRetentionDays = 30;
const sessionKey = Buffer.from(',"session":');
const headerProbeBytes = 8192;
const closingBrace = Buffer.from('}');
/** Copies go through one reused buffer of this size (no garbage per piece). */
const copyPieceBytes = 256 * 1024;

export interface BackupHeader {
  readonly backupCreatedAt: string;
  readonly expiresAt: string;
  readonly originalFormat: 'monolithic';
  readonly sessionId: string;
  /** Who made it: a migration id, or "on-demand". Cleanup keeps backups of migrations in progress. */
  readonly migrationId: string;
  readonly originalBytes: number;
  readonly originalSha256: string;
}

export interface BackupInfo {
  readonly file: string;
  readonly header: BackupHeader;
  /** Where the original's bytes start in the backup file. */
  readonly sessionOffset: number;
}

/** `2024-10-24T12:34:56.789Z` → `2024-10-24T12-34-56-789Z`, as in the seed's example. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

export function backupPath(root: string, id: string, at: Date): string {
  return path.join(root, `${assertSessionId(id)}.backup-${backupStamp(at)}`);
}

/** The backup files of one session (or of all sessions), newest first. */
export async function listBackupFiles(root: string, id?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const prefix = id === undefined ? undefined : `${assertSessionId(id)}.backup-`;
  return names
    .filter((n) => (prefix ? n.startsWith(prefix) : /\.backup-/.test(n)) && !n.includes('.tmp-'))
    .sort()
    .reverse()
    .map((n) => path.join(root, n));
}

/** Reads a backup's header without reading the session it holds. */
export async function readBackupHeader(file: string): Promise<BackupInfo> {
  const handle = await open(file, 'r');
  try {
    const probe = Buffer.alloc(headerProbeBytes);
    const { bytesRead } = await handle.read(probe, 0, headerProbeBytes, 0);
    const at = probe.subarray(0, bytesRead).indexOf(sessionKey);
    if (at < 0) throw new FerryError('BAD_BACKUP', `Backup ${file} has no readable header`, { retryable: false, record: { file } });
    const header = JSON.parse(`${probe.subarray(0, at).toString('utf8')}}`) as BackupHeader;
    return { file, header, sessionOffset: at + sessionKey.length };
  } finally {
    await handle.close();
  }
}

/**
 * This migration's backup of a session, if it made one (a retried backup step reuses it).
 * `listed` (from one `listBackupFiles(root)` for a whole batch) spares a listing of the root per session.
 */
export async function findBackup(root: string, id: string, migrationId: string, listed?: readonly string[]): Promise<BackupInfo | undefined> {
  const prefix = `${assertSessionId(id)}.backup-`;
  const files = listed ? listed.filter((file) => path.basename(file).startsWith(prefix)) : await listBackupFiles(root, id);
  for (const file of files) {
    const info = await readBackupHeader(file).catch(() => undefined);
    if (info && info.header.migrationId === migrationId) return info;
  }
  return undefined;
}

/**
 * This migration's backup of a session, looked up first at the file the backup step recorded (one
 * read instead of a listing of the whole root), then among all backups of the session.
 */
export async function ownBackup(root: string, id: string, migrationId: string, recordedFile?: unknown): Promise<BackupInfo | undefined> {
  if (typeof recordedFile === 'string') {
    const info = await readBackupHeader(recordedFile).catch(() => undefined);
    if (info && info.header.migrationId === migrationId && info.header.sessionId === id) return info;
  }
  return findBackup(root, id, migrationId);
}

export interface WriteBackupOptions {
  readonly root: string;
  readonly id: string;
  readonly migrationId: string;
  readonly retentionDays?: number;
  readonly now?: Date;
  /**
   * When false, the root folder is not fsynced after the rename: the caller does it once for a
   * whole batch, before it reports any of the batch's backups as made.
   */
  readonly syncFolder?: boolean;
}

/**
 * Copies the monolithic original into a new backup (temp file, fsync, rename). The original's size
 * and SHA-256 are computed while copying and kept in the header.
 */
export async function writeBackup(options: WriteBackupOptions): Promise<BackupInfo> {
  const { root, id } = options;
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? defaultRetentionDays;
  const source = monolithicPath(root, id);
  const size = (await stat(source)).size;
  // The SHA-256 belongs in the header, before the bytes: a placeholder of the same width is written
  // first and filled in once the copy has hashed the original, so the original is read only once.
  const placeholder = '0'.repeat(64);
  const draft: BackupHeader = {
    backupCreatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + retentionDays * 86_400_000).toISOString(),
    originalFormat: 'monolithic',
    sessionId: id,
    migrationId: options.migrationId,
    originalBytes: size,
    originalSha256: placeholder,
  };
  const headerText = JSON.stringify(draft);
  const prefix = Buffer.from(`${headerText.slice(0, -1)}${sessionKey.toString()}`);
  const shaOffset = prefix.indexOf(`"originalSha256":"${placeholder}"`) + '"originalSha256":"'.length;
  const file = backupPath(root, id, now);
  await mkdir(stagingRoot(root), { recursive: true });
  const temp = path.join(stagingRoot(root), `${id}.backup.${nonce()}`);
  const hash = createHash('sha256');
  let copiedBytes = 0;
  let sha: string;
  try {
    const out = await open(temp, 'w');
    try {
      await writeAll(out, prefix);
      await readPieces(source, copyPieceBytes, async (piece) => {
        hash.update(piece);
        copiedBytes += piece.length;
        await writeAll(out, piece);
      });
      await writeAll(out, closingBrace);
      if (copiedBytes !== size) {
        throw new FerryError('SOURCE_CHANGED', `Session "${id}" changed while it was being backed up; run the step again`, { retryable: true, record: { session: id } });
      }
      sha = hash.digest('hex');
      await out.write(Buffer.from(sha), 0, 64, shaOffset);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (options.syncFolder ?? true) await fsyncDir(root);
  return { file, header: { ...draft, originalSha256: sha }, sessionOffset: prefix.length };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await readPieces(file, copyPieceBytes, (piece) => {
    hash.update(piece);
  });
  return hash.digest('hex');
}

export function isExpired(info: BackupInfo, now = new Date()): boolean {
  return new Date(info.header.expiresAt).getTime() <= now.getTime();
}

/**
 * Writes the original bytes held in a backup back to `<root>/<id>.json` (temp file, fsync, rename),
 * checking size and SHA-256 against the header. Throws a non-retryable FerryError when the backup
 * has expired (unless `allowExpired`) or is damaged.
 */
export async function restoreFromBackup(root: string, info: BackupInfo, options: { now?: Date; allowExpired?: boolean } = {}): Promise<void> {
  const id = info.header.sessionId;
  if (!options.allowExpired && isExpired(info, options.now)) {
    throw new FerryError('BACKUP_EXPIRED', `Cannot roll back session "${id}": its backup ${path.basename(info.file)} expired at ${info.header.expiresAt}; the original is no longer guaranteed`, {
      retryable: false, record: { session: id, file: info.file },
    });
  }
  const size = (await stat(info.file)).size;
  const end = size - 1; // the closing "}"
  if (end - info.sessionOffset !== info.header.originalBytes) {
    throw new FerryError('BAD_BACKUP', `Backup ${info.file} holds ${end - info.sessionOffset} bytes, its header says ${info.header.originalBytes}`, { retryable: false, record: { session: id, file: info.file } });
  }
  const temp = path.join(root, `.${id}.restore-${nonce()}`);
  const hash = createHash('sha256');
  try {
    const out = await open(temp, 'w');
    try {
      await readPieces(info.file, copyPieceBytes, async (piece) => {
        hash.update(piece);
        await writeAll(out, piece);
      }, { start: info.sessionOffset, end });
      if (hash.digest('hex') !== info.header.originalSha256) {
        throw new FerryError('BAD_BACKUP', `Backup ${info.file} is damaged: its content does not match the SHA-256 in its header`, { retryable: false, record: { session: id, file: info.file } });
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temp, monolithicPath(root, id));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(root);
}
