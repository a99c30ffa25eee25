/**
 * `npm run bench -- backend-to-sync-data [--records 500000] [--users 1000] [--records-per-unit 1000]
 * [--batch-size 10] [--concurrency 2] [--mutate 0.01]`
 *
 * From one run on fresh embedded services: the same transformation done by SQL alone (one MERGE per
 * entity type with checksums: the database's own limit), the first migration through Temporal as a
 * ratio of it, then a re-run with no source change and one after `--mutate` of the records changed,
 * each as a fraction of the first run's time, with the WAL bytes each wrote.
 */
import { kindId, createBackendToSyncDataKind } from '../activities/backend-to-sync-data';
import { runMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import { mutateSampleData, seedSampleData } from '../src/sync-data/sample-data';
import type { Database } from '../src/db/connect';
import { startBenchServices } from './support/bench-services';
import type { BenchResult, Figure } from './support/report';

const iso = (col: string) => `to_char(to_timestamp(${col} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const arr = (col: string) => `CASE WHEN coalesce(trim(${col}), '') = '' THEN '[]'::jsonb ELSE ${col}::jsonb END`;
const ok = (col: string) => `(coalesce(trim(${col}), '') = '' OR pg_input_is_valid(${col}, 'jsonb'))`;

/** The transformation in SQL alone: one SELECT per entity type producing (user, type, id, data). */
const sqlSources = [
  `SELECT user_id, 'logbook_entry' AS entity_type, id AS entity_id, jsonb_build_object('id', id, 'timestamp', ${iso('timestamp')}, 'duration', duration,
     'type', type, 'instrument', instrument, 'pieces', ${arr('pieces')}, 'techniques', ${arr('techniques')}, 'goalIds', ${arr('goal_ids')},
     'notes', notes, 'mood', mood, 'tags', ${arr('tags')},
     'metadata', CASE WHEN coalesce(trim(metadata), '') = '' THEN '{"source":"manual"}'::jsonb ELSE metadata::jsonb END,
     'createdAt', ${iso('created_at')}, 'updatedAt', ${iso('updated_at')}) AS data
   FROM public.logbook_entries WHERE ${ok('pieces')} AND ${ok('techniques')} AND ${ok('goal_ids')} AND ${ok('tags')} AND ${ok('metadata')} AND coalesce(duration, 0) >= 0`,
  `SELECT user_id, 'goal', id, jsonb_build_object('id', id, 'title', title, 'description', description, 'targetDate', ${iso('target_date')},
     'progress', progress, 'milestones', ${arr('milestones')}, 'status', coalesce(nullif(trim(status), ''), 'ACTIVE'),
     'linkedEntries', ${arr('linked_entries')}, 'createdAt', ${iso('created_at')}, 'updatedAt', ${iso('updated_at')}, 'completedAt', ${iso('completed_at')})
   FROM public.goals WHERE ${ok('milestones')} AND ${ok('linked_entries')} AND coalesce(progress, 0) BETWEEN 0 AND 100`,
  `SELECT user_id, 'practice_session', id, jsonb_build_object('id', id, 'instrument', instrument, 'sessionType', session_type,
     'sheetMusicId', sheet_music_id, 'startedAt', ${iso('started_at')}, 'completedAt', ${iso('completed_at')}, 'pausedDuration', paused_duration,
     'accuracyPercentage', accuracy_percentage, 'notesAttempted', notes_attempted, 'notesCorrect', notes_correct,
     'createdAt', ${iso('created_at')}, 'updatedAt', ${iso('updated_at')})
   FROM public.practice_sessions WHERE coalesce(accuracy_percentage, 0) BETWEEN 0 AND 100`,
];

async function walBytes<T>(db: Database, work: () => Promise<T>): Promise<{ result: T; seconds: number; wal: number }> {
  await db.pool.query('CHECKPOINT');
  const before = (await db.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const wal = Number((await db.pool.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS d', [before])).rows[0].d);
  return { result, seconds, wal };
}

async function tableDigest(db: Database): Promise<string> {
  const r = await db.pool.query<{ d: string }>(`SELECT md5(string_agg(md5(s::text), '' ORDER BY id)) AS d FROM public.sync_data s`);
  return r.rows[0].d;
}

export default async function bench(args: Record<string, string>): Promise<BenchResult> {
  const records = Number(args.records ?? 500_000);
  const users = Number(args.users ?? 1000);
  const recordsPerUnit = Number(args['records-per-unit'] ?? 1000);
  const batchSize = Number(args['batch-size'] ?? 10);
  const concurrency = Number(args.concurrency ?? 2);
  const mutate = Number(args.mutate ?? 0.01);
  const services = await startBenchServices();
  const { db } = services;
  try {
    const seeded = await seedSampleData(db.pool, { users, entries: Math.round(records / 1.4), seed: 1 });
    const total = seeded.logbookEntries + seeded.goals + seeded.practiceSessions;
    await db.pool.query('VACUUM ANALYZE');

    // Baseline: the database alone, into a copy of sync_data's shape.
    await db.pool.query('CREATE TABLE public.bench_sql_sync (LIKE public.sync_data INCLUDING ALL)');
    const sql = await walBytes(db, async () => {
      for (const source of sqlSources) {
        await db.pool.query(`MERGE INTO public.bench_sql_sync t
          USING (SELECT user_id, entity_type, entity_id, data, encode(sha256(convert_to(data::text, 'UTF8')), 'hex') AS checksum FROM (${source}) x(user_id, entity_type, entity_id, data)) s
          ON t.user_id = s.user_id AND t.entity_type = s.entity_type AND t.entity_id = s.entity_id
          WHEN MATCHED AND t.checksum <> s.checksum THEN UPDATE SET data = s.data, checksum = s.checksum, version = t.version + 1, updated_at = now()
          WHEN NOT MATCHED THEN INSERT (user_id, entity_type, entity_id, data, checksum) VALUES (s.user_id, s.entity_type, s.entity_id, s.data, s.checksum)`);
      }
    });
    await db.pool.query('DROP TABLE public.bench_sql_sync');

    const worker = await services.startWorker([]);
    const kind = createBackendToSyncDataKind();
    const start = (id: string) => runMigration(services.client, {
      kind: kindId, scope: `${kind.scope({})}-${id}`, taskQueue: services.config.temporal.taskQueue,
      options: defaultOptions({ batchSize, throttle: { concurrency }, filters: { recordsPerUnit } }),
    });
    const first = await walBytes(db, () => start('first'));
    const digest = await tableDigest(db);
    const rerun = await walBytes(db, () => start('rerun'));
    const unchanged = (await tableDigest(db)) === digest;
    const mutation = await mutateSampleData(db.pool, mutate, 2, users);
    const changed = await walBytes(db, () => start('changed'));
    await worker.stop();

    const figures: Figure[] = [
      { name: 'sql-only MERGE rate', value: total / sql.seconds, unit: 'records/s', note: `${sql.seconds.toFixed(1)} s, WAL ${sql.wal.toLocaleString('en-US')} B` },
      { name: 'first run through Temporal', value: total / first.seconds, unit: 'records/s', baseline: 'sql-only MERGE rate', target: { atLeast: 0.3 }, note: `${first.result.progress.counters.unitsTotal} units` },
      { name: 'first run time', value: first.seconds, unit: 's' },
      { name: 'first run WAL', value: first.wal, unit: 'bytes', baseline: 'sql-only WAL' },
      { name: 'sql-only WAL', value: sql.wal, unit: 'bytes' },
      { name: 'no-change re-run time', value: rerun.seconds, unit: 's', baseline: 'first run time', target: { atMost: 0.05 }, note: `sync_data ${unchanged ? 'unchanged' : 'CHANGED'}` },
      { name: 'no-change re-run WAL', value: rerun.wal, unit: 'bytes', baseline: 'first run WAL' },
      { name: 'no-change re-run sync_data rows changed', value: unchanged ? 0 : 1, unit: unchanged ? 'rows' : 'table differs' },
      { name: `${(mutate * 100).toFixed(1)}% changed re-run time`, value: changed.seconds, unit: 's', baseline: 'first run time', note: `${mutation.changed} changed, ${mutation.added} added, ${mutation.deleted} deleted` },
      { name: `${(mutate * 100).toFixed(1)}% changed re-run WAL`, value: changed.wal, unit: 'bytes', baseline: 'first run WAL' },
    ];
    return { name: 'backend-to-sync-data', parameters: { records: total, users, recordsPerUnit, batchSize, concurrency, mutate }, figures };
  } finally {
    await services.stop();
  }
}
