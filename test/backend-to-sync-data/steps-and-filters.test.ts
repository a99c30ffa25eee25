/** Filters, retries, validation, cutover and sample data of backend-to-sync-data, step by step. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readsSyncData, readSwitchFlag } from '../../src/sync-data/read-switch';
import { seedSampleData } from '../../src/sync-data/sample-data';
import { openTestContext, type TestContext } from '../support/harness';
import { count, kind, listUnits, rollbackSteps, runMigrationSteps, stepRunOf, syncDataChecksum } from './drive-kind';

let t: TestContext;

beforeAll(async () => {
  t = await openTestContext('sync-steps', { applicationTables: true });
});
afterAll(async () => t?.close());

beforeEach(async () => {
  await t.db.pool.query('TRUNCATE public.sync_data, public.migration_runs, ferry.sync_data_history, ferry.sync_data_checks, ferry.sync_data_cutovers, ferry.units, ferry.quarantine');
  await t.db.pool.query('DELETE FROM ferry.feature_flags WHERE name = $1', [readSwitchFlag]);
  await seedSampleData(t.db.pool, { users: 4, entries: 200, seed: 11 });
});

describe('filters', () => {
  it('--user moves only that user\'s records', async () => {
    await runMigrationSteps(t, { user: 'user-000002' });
    const users = await t.db.pool.query<{ user_id: string }>('SELECT DISTINCT user_id FROM sync_data');
    expect(users.rows.map((r) => r.user_id)).toEqual(['user-000002']);
    const source = await count(t, `SELECT (SELECT count(*) FROM logbook_entries WHERE user_id = 'user-000002') + (SELECT count(*) FROM goals WHERE user_id = 'user-000002') + (SELECT count(*) FROM practice_sessions WHERE user_id = 'user-000002') AS n`);
    const runs = await t.db.pool.query('SELECT created, rejected, options FROM migration_runs');
    expect(runs.rows[0].created + runs.rows[0].rejected).toBe(source);
    expect(runs.rows[0].options.coverage).toBe('user=user-000002');
  });

  it('--entity moves only that entity type, and its watermark does not hide other types from a later run', async () => {
    await runMigrationSteps(t, { entity: 'goal' });
    const types = await t.db.pool.query<{ entity_type: string }>('SELECT DISTINCT entity_type FROM sync_data');
    expect(types.rows.map((r) => r.entity_type)).toEqual(['goal']);
    const all = await runMigrationSteps(t, {});
    const row = await t.db.pool.query('SELECT created, skipped FROM migration_runs WHERE workflow_id = $1', [all.migrationId]);
    expect(row.rows[0].skipped).toBe(await count(t, `SELECT count(*) AS n FROM sync_data WHERE entity_type = 'goal'`));
    expect(await count(t, `SELECT count(DISTINCT entity_type) AS n FROM sync_data`)).toBe(3);
  });

  it('a bad --entity value is refused with the allowed values', () => {
    expect(() => kind.scope({ entity: 'lesson' })).toThrow(/"lesson" is not one of logbook_entry, goal, practice_session/);
    expect(kind.scope({ entity: 'goal', user: 'u1', full: true })).toBe('entity=goal,user=u1,full');
  });
});

describe('retries and crashes', () => {
  it('converting the same units again (a retried activity) writes nothing twice and reports the same counts', async () => {
    const migrationId = 'retry-1';
    const units = await listUnits(t, migrationId, { recordsPerUnit: 30 });
    const run = stepRunOf(t, migrationId, { recordsPerUnit: 30 });
    await kind.prepare!(run);
    const once = await kind.convert(run, units.slice(0, 3));
    const sum = await syncDataChecksum(t);
    const twice = await kind.convert(run, units.slice(0, 3));
    expect(twice).toEqual(once);
    expect(await syncDataChecksum(t)).toBe(sum);
    const row = await t.db.pool.query('SELECT created, rejected FROM migration_runs WHERE workflow_id = $1', [migrationId]);
    expect(row.rows[0].created).toBe(await count(t, 'SELECT count(*) AS n FROM sync_data'));
  });

  it('a unit whose transaction never committed (killed mid-write) is converted in full on the retry', async () => {
    const migrationId = 'crash-1';
    const units = await listUnits(t, migrationId, {});
    const run = stepRunOf(t, migrationId, {});
    await kind.prepare!(run);
    // The kill: the unit's statement ran but its transaction was lost with the connection.
    const client = await t.db.pool.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO sync_data (user_id, entity_type, entity_id, data, checksum) VALUES ('x', 'goal', 'g', '{}', 'c')`);
    client.release(true);
    const outcomes = await kind.convert(run, units);
    for (let i = 0; i < units.length; i += 10) await kind.validate(run, units.slice(i, i + 10));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    const row = await t.db.pool.query('SELECT status, created FROM migration_runs WHERE workflow_id = $1', [migrationId]);
    expect(row.rows[0]).toEqual({ status: 'completed', created: await count(t, 'SELECT count(*) AS n FROM sync_data') });
  });
});

describe('validation', () => {
  it('fails the unit whose sync_data row was changed behind the migration, naming the record', async () => {
    const migrationId = 'tamper-1';
    const units = await listUnits(t, migrationId, {});
    const run = stepRunOf(t, migrationId, {});
    await kind.prepare!(run);
    await kind.convert(run, units);
    await t.db.pool.query(`UPDATE sync_data SET data = jsonb_set(data, '{title}', '"edited"') WHERE entity_id = 'goal-000000003'`);
    await t.db.pool.query(`DELETE FROM sync_data WHERE entity_id = 'le-000000010'`);
    const outcomes = await kind.validate(run, units);
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.mismatches).flat().sort()).toEqual([
      'goal user-000003/goal-000000003: data differs from the transformed source record',
      'logbook_entry user-000002/le-000000010: missing from sync_data',
    ]);
    const row = await t.db.pool.query('SELECT status FROM migration_runs WHERE workflow_id = $1', [migrationId]);
    expect(row.rows[0].status).toBe('validation-failed');
  });
});

describe('cutover', () => {
  it('leaves the read switch alone in a run started without --cutover', async () => {
    const done = await runMigrationSteps(t, {});
    expect(await kind.finishCutover!(stepRunOf(t, done.migrationId, {}))).toMatchObject({ switched: false });
    expect(await count(t, 'SELECT count(*) AS n FROM ferry.feature_flags WHERE name = $1', [readSwitchFlag])).toBe(0);
  });

  it('flips the read switch after a completed --cutover run, and rollback flips it back exactly', async () => {
    const done = await runMigrationSteps(t, { cutover: true });
    const run = stepRunOf(t, done.migrationId, { cutover: true });
    expect(await readsSyncData(t.db.pool)).toBe(false);
    await kind.finishCutover!(run);
    expect(await readsSyncData(t.db.pool)).toBe(true);
    await rollbackSteps(t, done, { cutover: true });
    expect(await count(t, 'SELECT count(*) AS n FROM ferry.feature_flags WHERE name = $1', [readSwitchFlag])).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM sync_data')).toBe(0);
  });

  it('is refused for a run that covers only some users', async () => {
    const done = await runMigrationSteps(t, { user: 'user-000001', cutover: true });
    await expect(kind.finishCutover!(stepRunOf(t, done.migrationId, { user: 'user-000001', cutover: true }))).rejects.toMatchObject({ code: 'CUTOVER_NEEDS_ALL_RECORDS' });
    expect(await readsSyncData(t.db.pool)).toBe(false);
  });
});

describe('sample data', () => {
  it('the same seed gives the same backend rows', async () => {
    const digest = async () => (await t.db.pool.query<{ d: string }>(
      `SELECT md5((SELECT string_agg(l::text, '' ORDER BY id) FROM logbook_entries l) || (SELECT string_agg(g::text, '' ORDER BY id) FROM goals g) || (SELECT string_agg(p::text, '' ORDER BY id) FROM practice_sessions p)) AS d`)).rows[0].d;
    const first = await digest();
    await seedSampleData(t.db.pool, { users: 4, entries: 200, seed: 11 });
    expect(await digest()).toBe(first);
    await seedSampleData(t.db.pool, { users: 4, entries: 200, seed: 12 });
    expect(await digest()).not.toBe(first);
  });
});
