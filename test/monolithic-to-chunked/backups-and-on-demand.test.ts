import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackupFiles, writeBackup } from '../../src/chunked/backup-file';
import { cleanupBackups, parseAge } from '../../src/chunked/cleanup-backups';
import { migrateOne } from '../../src/chunked/migrate-one';
import { chunkedDir } from '../../src/chunked/session-layout';
import { loadChunkedSession } from '../../src/chunked/session-reader';
import { rollbackSession } from '../../src/chunked/session-rollback';
import { openTestContext, type TestContext } from '../support/harness';
import { writeSessions } from './store-snapshot';

let t: TestContext;
let counter = 0;
beforeAll(async () => {
  t = await openTestContext('chunked_backups');
});
afterAll(async () => t?.close());

function store(): string {
  return path.join(t.workDir, `store-${++counter}`);
}

const day = 86_400_000;

describe('on-demand migration', () => {
  it('migrates one session: chunked form equal to the original, original removed, backup kept', async () => {
    const root = store();
    const texts = writeSessions(root, 2);
    const result = await migrateOne({ pool: t.db.pool, root }, 's-1');
    expect(result.outcome).toBe('migrated');
    expect(existsSync(path.join(root, 's-1.json'))).toBe(false);
    expect(existsSync(path.join(root, 's-0.json'))).toBe(true);
    expect(await loadChunkedSession(root, 's-1')).toEqual(JSON.parse(texts.get('s-1')!));
    expect(await listBackupFiles(root, 's-1')).toHaveLength(1);
  });

  it('two callers asking for the same session at once cause one migration and both get the result', async () => {
    const root = store();
    writeSessions(root, 1, { size: { screenshots: 3000, audioSegments: 800, videoChunks: 20, transcriptionWords: 30 } });
    const [a, b] = await Promise.all([migrateOne({ pool: t.db.pool, root }, 's-0'), migrateOne({ pool: t.db.pool, root }, 's-0')]);
    expect([a.outcome, b.outcome].sort()).toEqual(['already-chunked', 'migrated']);
    expect(a.metadata).toEqual(b.metadata);
    expect(await listBackupFiles(root, 's-0')).toHaveLength(1);
    expect(readdirSync(root).filter((n) => !n.startsWith('.')).sort()).toEqual(['s-0', path.basename((await listBackupFiles(root, 's-0'))[0])].sort());
  });

  it('refuses a malformed session with its id and reason and leaves it untouched', async () => {
    const root = store();
    writeSessions(root, 1);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(root, 's-0.json'), '{"id":"s-0","name":');
    await expect(migrateOne({ pool: t.db.pool, root }, 's-0')).rejects.toMatchObject({ code: 'INVALID_JSON', message: expect.stringContaining('"s-0"') });
    expect(readFileSync(path.join(root, 's-0.json'), 'utf8')).toBe('{"id":"s-0","name":');
    expect(readdirSync(root).filter((n) => !n.startsWith('.'))).toEqual(['s-0.json']);
  });
});

describe('backups and rollback of one session', () => {
  it('holds the original in the seed format with creation, expiry (30 days) and original format', async () => {
    const root = store();
    const texts = writeSessions(root, 1);
    const now = new Date('2026-01-10T08:00:00.000Z');
    const info = await writeBackup({ root, id: 's-0', migrationId: 'm1', now });
    expect(path.basename(info.file)).toBe('s-0.backup-2026-01-10T08-00-00-000Z');
    const parsed = JSON.parse(readFileSync(info.file, 'utf8'));
    expect(parsed).toMatchObject({ backupCreatedAt: '2026-01-10T08:00:00.000Z', expiresAt: '2026-02-09T08:00:00.000Z', originalFormat: 'monolithic' });
    expect(parsed.session).toEqual(JSON.parse(texts.get('s-0')!));
  });

  it('restores the original byte for byte and removes the chunked form', async () => {
    const root = store();
    const texts = writeSessions(root, 1, { pretty: true });
    await migrateOne({ pool: t.db.pool, root }, 's-0');
    const result = await rollbackSession(root, 's-0');
    expect(result).toMatchObject({ restored: true, removedChunked: true });
    expect(readFileSync(path.join(root, 's-0.json'), 'utf8')).toBe(texts.get('s-0'));
    expect(existsSync(chunkedDir(root, 's-0'))).toBe(false);
  });

  it('is refused when the backup has expired, keeping the chunked form', async () => {
    const root = store();
    writeSessions(root, 1);
    await migrateOne({ pool: t.db.pool, root, retentionDays: 1 }, 's-0');
    await expect(rollbackSession(root, 's-0', { now: new Date(Date.now() + 2 * day) })).rejects.toMatchObject({
      code: 'BACKUP_EXPIRED', retryable: false, message: expect.stringMatching(/Cannot roll back session "s-0": its backup .+ expired at/),
    });
    expect(existsSync(path.join(root, 's-0.json'))).toBe(false);
    expect(existsSync(path.join(chunkedDir(root, 's-0'), 'metadata.json'))).toBe(true);
  });

  it('is refused when there is no backup, keeping the chunked form', async () => {
    const root = store();
    writeSessions(root, 1);
    await migrateOne({ pool: t.db.pool, root }, 's-0');
    const { rmSync } = await import('node:fs');
    for (const file of await listBackupFiles(root, 's-0')) rmSync(file);
    await expect(rollbackSession(root, 's-0')).rejects.toMatchObject({ code: 'BACKUP_MISSING', retryable: false });
    expect(existsSync(path.join(chunkedDir(root, 's-0'), 'metadata.json'))).toBe(true);
  });
});

describe('cleanupBackups', () => {
  it('removes old backups but keeps those of a migration still in progress, and young ones', async () => {
    const root = store();
    writeSessions(root, 3);
    await t.db.pool.query(
      `INSERT INTO ferry.migrations (id, kind, scope, phase) VALUES ('running-1', 'monolithic-to-chunked', 'all', 'convert'), ('done-1', 'monolithic-to-chunked', 'all', 'completed')`,
    );
    const old = new Date(Date.now() - 40 * day);
    const needed = await writeBackup({ root, id: 's-0', migrationId: 'running-1', now: old });
    const expired = await writeBackup({ root, id: 's-1', migrationId: 'done-1', now: old });
    const young = await writeBackup({ root, id: 's-2', migrationId: 'done-1' });

    const dry = await cleanupBackups(t.db.pool, { root, olderThanDays: parseAge('30d'), dryRun: true });
    expect(dry.removed).toEqual([expired.file]);
    expect(existsSync(expired.file)).toBe(true);

    const real = await cleanupBackups(t.db.pool, { root, olderThanDays: 30 });
    expect(real.removed).toEqual([expired.file]);
    expect(real.kept).toEqual([{ file: needed.file, reason: expect.stringContaining('"running-1" is still in progress') }]);
    expect(real.young).toBe(1);
    expect(existsSync(expired.file)).toBe(false);
    expect(existsSync(needed.file)).toBe(true);
    expect(existsSync(young.file)).toBe(true);
  });
});
