import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scope } from '../../activities/monolithic-to-chunked';
import { seedSessions } from '../../activities/monolithic-to-chunked/seed';
import { sendCommand, startMigration } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import type { MigrationOptions } from '../../src/engine/types';
import { listBackupFiles } from '../../src/chunked/backup-file';
import { metadataFile } from '../../src/chunked/session-layout';
import { loadChunkedSession } from '../../src/chunked/session-reader';
import { getMigrationStatus, listStore } from '../../src/chunked/session-store';
import { openTestContext, type TestContext } from '../support/harness';
import { waitForProgress } from '../support/wait-for';
import { spawnWorkerProcess } from '../support/worker-process';
import { snapshot, writeSessions } from './store-snapshot';

let t: TestContext;
let counter = 0;
beforeAll(async () => {
  t = await openTestContext('chunked_e2e');
});
afterAll(async () => t?.close());

function store(): string {
  return path.join(t.workDir, `store-${++counter}`);
}

function start(root: string, options: Partial<MigrationOptions> = {}) {
  const filters = { root, ...(options.filters ?? {}) };
  return startMigration(t.client, {
    kind: 'monolithic-to-chunked', scope: scope(filters), taskQueue: t.taskQueue,
    options: defaultOptions({ batchSize: 10, throttle: { concurrency: 2 }, ...options, filters }),
  });
}

const isDocument = (relative: string) => relative.endsWith('.json') && !relative.includes(path.sep);

it('batch: migrates every legacy session, reports malformed ones and leaves them untouched', async () => {
  const worker = await t.startWorker();
  try {
    const root = store();
    const seeded = await seedSessions(root, { sessions: 60, seed: 3, large: 1, malformedShare: 0.1 });
    const before = snapshot(root, isDocument);
    const listing = await listStore(root);
    const { progress } = await (await start(root)).result();
    expect(progress.phase).toBe('completed');
    expect(progress.counters.unitsTotal).toBe(seeded.legacy + seeded.malformed);
    expect(progress.counters.unitsDone).toBe(seeded.legacy);
    expect(progress.counters.unitsSkipped).toBe(seeded.malformed);

    const quarantined = await t.db.pool.query<{ unit_key: string; code: string; reason: string }>('SELECT unit_key, code, reason FROM ferry.quarantine ORDER BY unit_key');
    expect(quarantined.rows).toHaveLength(seeded.malformed);
    for (const row of quarantined.rows) {
      expect(row.reason).toContain(`"${row.unit_key}"`);
      // Left untouched: the same bytes, no chunked form, no backup.
      expect(snapshot(root, (r) => r === `${row.unit_key}.json`)).toEqual({ [`${row.unit_key}.json`]: before[`${row.unit_key}.json`] });
      expect(existsSync(path.join(root, row.unit_key))).toBe(false);
      expect(await listBackupFiles(root, row.unit_key)).toEqual([]);
    }
    const migrated = listing.legacy.filter((id) => !quarantined.rows.some((r) => r.unit_key === id));
    for (const id of migrated) {
      expect(existsSync(path.join(root, `${id}.json`))).toBe(false);
      const backups = await listBackupFiles(root, id);
      expect(backups).toHaveLength(1);
      const original = (JSON.parse(readFileSync(backups[0], 'utf8')) as { session: unknown }).session;
      expect(await loadChunkedSession(root, id)).toEqual(original);
    }
    expect(await getMigrationStatus(root)).toMatchObject({ legacy: seeded.malformed, chunked: seeded.chunked + seeded.legacy });

    // A second run finds nothing to migrate but the malformed sessions, which it skips again.
    const again = await (await start(root)).result();
    expect(again.progress.counters.unitsTotal).toBe(seeded.malformed);
    expect(again.progress.counters.unitsDone).toBe(0);
  } finally {
    await worker.stop();
  }
});

it('dry run: reports per session what would be written and writes nothing', async () => {
  const worker = await t.startWorker();
  try {
    const root = store();
    writeSessions(root, 5);
    const before = snapshot(root);
    const handle = await start(root, { dryRun: true });
    const { progress } = await handle.result();
    expect(progress.counters.unitsDone).toBe(5);
    expect(snapshot(root)).toEqual(before);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
    const ledger = await t.db.pool.query<{ detail: { wouldWrite: { counts: Record<string, number>; files: number } } }>(
      `SELECT detail FROM ferry.unit_ledger WHERE step = 'simulate' AND unit_key = 's-0' AND migration_id LIKE $1`, [`${handle.workflowId}%`],
    );
    expect(ledger.rows[0].detail.wouldWrite.counts).toEqual({ screenshots: 12, audioSegments: 6, videoChunks: 2 });
  } finally {
    await worker.stop();
  }
});

it('rollback of a whole migration after cutover restores every original byte for byte', async () => {
  const worker = await t.startWorker();
  try {
    const root = store();
    writeSessions(root, 12, { pretty: true });
    const before = snapshot(root);
    const handle = await start(root, { rollbackWindowSeconds: 60 });
    await waitForProgress(handle, (p) => p.phase === 'completed');
    expect(readdirSync(root).filter((n) => n.endsWith('.json'))).toEqual([]);
    await sendCommand(t.client, handle.workflowId, 'rollback', 'test');
    const { progress } = await handle.result();
    expect(progress.phase).toBe('rolled-back');
    expect(progress.rollbackFailures).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  } finally {
    await worker.stop();
  }
});

it('kill -9 of the worker mid-write leaves no half session, and the migration then completes', async () => {
  const root = store();
  const big = { screenshots: 40_000, audioSegments: 8_000, videoChunks: 100, transcriptionWords: 30 };
  writeSessions(root, 3, { size: big, prefix: 'big' });
  const texts = new Map([...writeSessions(root, 6, { prefix: 'small' })]);
  const before = snapshot(root, isDocument);
  // The database user is named "ferry" like Ferry's schema, so a fresh connection's default search_path
  // ("$user", public) would look for _prisma_migrations in schema ferry: pin it to public.
  const child = await spawnWorkerProcess(t, { env: { PGOPTIONS: '-c search_path=public' } });
  const handle = await start(root, { batchSize: 3, throttle: { concurrency: 1 } });
  await waitForProgress(handle, (p) => p.phase === 'convert', 120_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await child.kill9();

  // Whatever the kill interrupted: every chunked folder visible is complete and every original is intact.
  for (const name of readdirSync(root)) {
    if (name.startsWith('.') || name.includes('.')) continue;
    expect(existsSync(path.join(root, name, metadataFile))).toBe(true);
  }
  expect(snapshot(root, isDocument)).toEqual(before);

  const worker = await t.startWorker();
  try {
    const { progress } = await handle.result();
    expect(progress.phase).toBe('completed');
    expect(progress.counters.unitsDone).toBe(9);
    for (const [id, text] of texts) expect(await loadChunkedSession(root, id)).toEqual(JSON.parse(text));
    for (const id of ['big-0', 'big-1', 'big-2']) {
      const backups = await listBackupFiles(root, id);
      expect(backups).toHaveLength(1);
      expect((await loadChunkedSession(root, id)).screenshots).toHaveLength(40_000);
    }
  } finally {
    await worker.stop();
  }
});
