/**
 * A sequence of runs over one sample data set, as an operator would make them: first run, re-run,
 * mutation + incremental run, full run, rollbacks. Each test checks the data the step left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutateSampleData, seedSampleData } from '../../src/sync-data/sample-data';
import { sourceTables, entityTypes } from '../../src/sync-data/entity-types';
import { transformRecord } from '../../src/sync-data/transform-record';
import type { SourceRow } from '../../src/sync-data/source-rows';
import { openTestContext, type TestContext } from '../support/harness';
import { count, rollbackSteps, runMigrationSteps, sumDetail, syncDataChecksum, type Driven } from './drive-kind';

let t: TestContext;
const perUnit = { recordsPerUnit: 40 };

/** What sync_data must hold for the current backend tables: key → checksum, and the rejected keys. */
async function expectedState() {
  const good = new Map<string, string>();
  const rejected = new Set<string>();
  for (const entity of entityTypes) {
    const rows = await t.db.pool.query<SourceRow>(`SELECT * FROM public.${sourceTables[entity]}`);
    for (const row of rows.rows) {
      const r = transformRecord(entity, row);
      if (r.ok) good.set(`${r.userId}|${entity}|${r.entityId}`, r.checksum);
      else rejected.add(`${entity} ${r.entityId} (user ${r.userId})`);
    }
  }
  return { good, rejected };
}

async function liveRows() {
  const rows = await t.db.pool.query<{ k: string; checksum: string }>(
    `SELECT user_id || '|' || entity_type || '|' || entity_id AS k, checksum FROM public.sync_data WHERE deleted_at IS NULL`);
  return new Map(rows.rows.map((r) => [r.k, r.checksum]));
}

async function runRow(migrationId: string) {
  const r = await t.db.pool.query('SELECT * FROM public.migration_runs WHERE workflow_id = $1', [migrationId]);
  return r.rows[0] as { status: string; created: number; updated: number; skipped: number; rejected: number; deleted: number; watermark: string | null; completed_at: Date | null; options: Record<string, unknown> };
}

let first: Driven;
let afterFirst: string;

beforeAll(async () => {
  t = await openTestContext('sync-incremental', { applicationTables: true });
  await seedSampleData(t.db.pool, { users: 6, entries: 400, seed: 7 });
});
afterAll(async () => t?.close());

describe('first run', () => {
  it('writes one row per good record with its checksum, and quarantines each bad record with its id and reason', async () => {
    first = await runMigrationSteps(t, perUnit);
    afterFirst = await syncDataChecksum(t);
    const expected = await expectedState();
    expect(expected.rejected.size).toBeGreaterThan(0);
    expect(await liveRows()).toEqual(expected.good);
    const q = await t.db.pool.query<{ record_ref: string; reason: string; code: string }>('SELECT record_ref, reason, code FROM ferry.quarantine WHERE migration_id = $1', [first.migrationId]);
    expect(new Set(q.rows.map((r) => r.record_ref))).toEqual(expected.rejected);
    for (const row of q.rows) expect(row.reason).toMatch(/^[a-z_]+: /);
  });

  it('records the run in migration_runs with counts that reconcile with the source and its watermark', async () => {
    const row = await runRow(first.migrationId);
    const source = await count(t, 'SELECT (SELECT count(*) FROM logbook_entries) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM practice_sessions) AS n');
    const expected = await expectedState();
    expect(row.status).toBe('completed');
    expect(row.completed_at).not.toBeNull();
    expect(row.created).toBe(expected.good.size);
    expect(row.rejected).toBe(expected.rejected.size);
    expect(row.created + row.rejected).toBe(source);
    expect([row.updated, row.skipped, row.deleted]).toEqual([0, 0, 0]);
    const top = await count(t, 'SELECT greatest((SELECT max(updated_at) FROM logbook_entries), (SELECT max(updated_at) FROM goals), (SELECT max(updated_at) FROM practice_sessions)) AS n');
    expect(Number(row.watermark)).toBe(top);
    expect(first.validate.every((o) => o.status === 'done')).toBe(true);
  });
});

describe('re-run without source changes', () => {
  it('finds nothing to do, writes nothing to sync_data and records an empty completed run', async () => {
    const again = await runMigrationSteps(t, perUnit);
    expect(again.units).toHaveLength(0);
    expect(await syncDataChecksum(t)).toBe(afterFirst);
    const row = await runRow(again.migrationId);
    expect(row.status).toBe('completed');
    expect([row.created, row.updated, row.skipped, row.rejected, row.deleted]).toEqual([0, 0, 0, 0, 0]);
  });

  it('a full re-run reads everything but skips every unchanged record and changes no row', async () => {
    const full = await runMigrationSteps(t, { ...perUnit, full: true });
    expect(await syncDataChecksum(t)).toBe(afterFirst);
    const row = await runRow(full.migrationId);
    const expected = await expectedState();
    expect([row.created, row.updated, row.deleted]).toEqual([0, 0, 0]);
    expect(row.skipped).toBe(expected.good.size);
    expect(row.rejected).toBe(expected.rejected.size);
  });
});

describe('after a mutation of the backend tables', () => {
  let before: Map<string, string>;
  let beforeSum: string;
  let incremental: Driven;
  let full: Driven;
  let mutation: { changed: number; added: number; deleted: number };

  it('the dry run reports exactly what the incremental run then does, and writes nothing', async () => {
    mutation = await mutateSampleData(t.db.pool, 0.1, 3, 6);
    before = await liveRows();
    beforeSum = await syncDataChecksum(t);
    const quarantined = await count(t, 'SELECT count(*) AS n FROM ferry.quarantine');
    const runs = await count(t, 'SELECT count(*) AS n FROM migration_runs');
    const dry = await runMigrationSteps(t, perUnit, { dryRun: true });
    expect(await syncDataChecksum(t)).toBe(beforeSum);
    expect(await count(t, 'SELECT count(*) AS n FROM ferry.quarantine')).toBe(quarantined);
    expect(await count(t, 'SELECT count(*) AS n FROM migration_runs')).toBe(runs);
    incremental = await runMigrationSteps(t, perUnit);
    const row = await runRow(incremental.migrationId);
    expect(sumDetail(dry.simulate, 'created')).toBe(row.created);
    expect(sumDetail(dry.simulate, 'updated')).toBe(row.updated);
    expect(sumDetail(dry.simulate, 'skipped')).toBe(row.skipped);
    expect(sumDetail(dry.simulate, 'rejected')).toBe(row.rejected);
  });

  it('the incremental run touches exactly the changed and added records', async () => {
    const after = await liveRows();
    const expected = await expectedState();
    const touched = [...after].filter(([k, sum]) => before.get(k) !== sum).map(([k]) => k).sort();
    const shouldTouch = [...expected.good].filter(([k, sum]) => before.get(k) !== sum).map(([k]) => k).sort();
    expect(touched).toEqual(shouldTouch);
    const row = await runRow(incremental.migrationId);
    expect(row.created + row.updated).toBe(shouldTouch.length);
    expect(row.created + row.updated + row.skipped + row.rejected).toBe(mutation.changed + mutation.added);
    const versions = await count(t, `SELECT count(*) AS n FROM sync_data WHERE version = 2`);
    expect(versions).toBe(row.updated);
    // Deleted source records are not seen by an incremental run: their rows are still live.
    expect(after.size).toBe(before.size + row.created);
  });

  it('a full run marks rows whose source record was deleted, and reports them', async () => {
    const beforeFull = await liveRows();
    full = await runMigrationSteps(t, { ...perUnit, full: true });
    const row = await runRow(full.migrationId);
    const expected = await expectedState();
    expect(row.deleted).toBeGreaterThan(0);
    expect(row.deleted).toBeLessThanOrEqual(mutation.deleted);
    expect([row.created, row.updated]).toEqual([0, 0]);
    expect(await liveRows()).toEqual(expected.good);
    const marked = await count(t, 'SELECT count(*) AS n FROM sync_data WHERE deleted_at IS NOT NULL');
    expect(marked).toBe(row.deleted);
    expect(beforeFull.size - marked).toBe(expected.good.size);
    expect(full.validate.every((o) => o.status === 'done')).toBe(true);
  });

  it('rolling back the full run and then the incremental run restores sync_data byte for byte', async () => {
    const beforeFullSum = await (async () => {
      const undoFull = await rollbackSteps(t, full, { ...perUnit, full: true });
      expect(undoFull.every((o) => o.status === 'done')).toBe(true);
      return syncDataChecksum(t);
    })();
    expect(await count(t, 'SELECT count(*) AS n FROM sync_data WHERE deleted_at IS NOT NULL')).toBe(0);
    expect(beforeFullSum).not.toBe(beforeSum);
    const undo = await rollbackSteps(t, incremental, perUnit);
    expect(undo.every((o) => o.status === 'done')).toBe(true);
    expect(await syncDataChecksum(t)).toBe(beforeSum);
    expect((await runRow(incremental.migrationId)).status).toBe('rolled-back');
    expect(await count(t, 'SELECT count(*) AS n FROM ferry.sync_data_history WHERE migration_id = $1', [incremental.migrationId])).toBe(0);
  });

  it('after a rollback the next incremental run starts from the previous completed watermark', async () => {
    const redo = await runMigrationSteps(t, perUnit);
    const row = await runRow(redo.migrationId);
    expect(row.created + row.updated + row.skipped + row.rejected).toBe(mutation.changed + mutation.added);
    const expected = await expectedState();
    const live = await liveRows();
    for (const [k, sum] of expected.good) expect(live.get(k)).toBe(sum);
  });

  it('rolling back the first run is refused for rows a later run changed, naming them, and leaves them as they are', async () => {
    const sum = await syncDataChecksum(t);
    const undo = await rollbackSteps(t, first, perUnit);
    const failed = undo.filter((o) => o.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].error?.code).toBe('CHANGED_SINCE');
    expect(failed[0].error?.message).toMatch(/is at version 2, this run wrote version 1/);
    expect(undo.some((o) => o.status === 'done')).toBe(true);
    expect(await syncDataChecksum(t)).not.toBe(sum);
  });
});
