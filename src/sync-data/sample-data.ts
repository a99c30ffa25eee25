/**
 * Reproducible sample backend data for `ferry seed backend-to-sync-data`: users with logbook
 * entries, goals and practice sessions, a small share of them malformed (broken JSON, impossible
 * values) or with missing fields, all from one seed. `mutateSampleData` then changes, adds and
 * deletes a fraction of records (updated_at moved past every existing one) to exercise incremental runs.
 */
import type pg from 'pg';
import { seededRandom } from '../sample-data/seeded-random';

export interface SampleOptions {
  readonly users: number;
  /** Logbook entries; goals are a tenth of that and practice sessions three tenths. */
  readonly entries: number;
  readonly seed: number;
}

export interface SampleCounts {
  logbookEntries: number;
  goals: number;
  practiceSessions: number;
}

/** mulberry32: a small, fast, seedable PRNG, so the same seed gives the same data everywhere. */
export function randomSource(seed: number): () => number {
  return seededRandom(seed);
}

const types = ['PRACTICE', 'PERFORMANCE', 'LESSON', 'REHEARSAL'];
const instruments = ['PIANO', 'GUITAR', 'VIOLIN'];
const moods = ['FRUSTRATED', 'NEUTRAL', 'SATISFIED', 'EXCITED', null];
const composers = ['Bach', 'Chopin', 'Debussy', 'Satie', 'Mozart', 'Tárrega'];
const techniques = ['scales', 'arpeggios', 'sight-reading', 'legato', 'pedaling'];
const statuses = ['ACTIVE', 'COMPLETED', 'PAUSED', null];
const sessionTypes = ['FREE_PRACTICE', 'GUIDED_PRACTICE', 'ASSESSMENT'];
/** 2024-01-01T00:00:00Z: sample timestamps spread over the year after it. */
const epoch = 1704067200000;
const year = 365 * 24 * 3600 * 1000;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
const pad = (n: number) => String(n).padStart(9, '0');
export const userIdOf = (n: number) => `user-${String(n).padStart(6, '0')}`;

function logbookEntry(rnd: () => number, n: number, users: number, stamp: number) {
  const roll = rnd();
  const pieces = JSON.stringify(Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({ title: `Étude ${n % 97}.${i}`, composer: pick(rnd, composers) })));
  return {
    id: `le-${pad(n)}`, user_id: userIdOf(n % users), timestamp: stamp, duration: Math.floor(rnd() * 7200),
    type: pick(rnd, types), instrument: pick(rnd, instruments),
    // 0.4% broken JSON, 0.2% an impossible negative duration; 5% missing optional JSON fields.
    pieces: roll < 0.004 ? `${pieces.slice(0, 12)}` : pieces,
    techniques: roll > 0.95 ? null : JSON.stringify([pick(rnd, techniques)]),
    goal_ids: roll > 0.95 ? '' : JSON.stringify(rnd() < 0.3 ? [`goal-${pad(Math.floor(n / 10))}`] : []),
    notes: rnd() < 0.5 ? `Worked on bars ${Math.floor(rnd() * 64)}–${Math.floor(rnd() * 64) + 64}` : null,
    mood: pick(rnd, moods), tags: roll > 0.97 ? null : JSON.stringify(['daily']),
    metadata: roll > 0.9 ? null : JSON.stringify({ source: rnd() < 0.5 ? 'manual' : 'timer', device: 'web' }),
    created_at: stamp, updated_at: stamp,
    ...(roll >= 0.004 && roll < 0.006 ? { duration: -60 } : {}),
  };
}

function goal(rnd: () => number, n: number, users: number, stamp: number) {
  const roll = rnd();
  return {
    id: `goal-${pad(n)}`, user_id: userIdOf(n % users), title: `Learn piece ${n}`, description: rnd() < 0.5 ? 'Memorize and polish' : null,
    target_date: rnd() < 0.7 ? stamp + Math.floor(rnd() * year) : null,
    progress: roll < 0.005 ? 140 : Math.floor(rnd() * 101),
    milestones: roll > 0.99 ? '[{"title": "half way"' : JSON.stringify([{ title: 'first half', completed: rnd() < 0.5 }]),
    status: pick(rnd, statuses), linked_entries: rnd() < 0.2 ? null : JSON.stringify([`le-${pad(n * 10)}`]),
    created_at: stamp, updated_at: stamp, completed_at: rnd() < 0.2 ? stamp + 1000 : null,
  };
}

function practiceSession(rnd: () => number, n: number, users: number, stamp: number) {
  const attempted = Math.floor(rnd() * 2000);
  const roll = rnd();
  return {
    id: `ps-${pad(n)}`, user_id: userIdOf(n % users), instrument: pick(rnd, instruments), session_type: pick(rnd, sessionTypes),
    sheet_music_id: rnd() < 0.5 ? `sheet-${n % 500}` : null, started_at: stamp, completed_at: rnd() < 0.9 ? stamp + 1_800_000 : null,
    paused_duration: Math.floor(rnd() * 300), accuracy_percentage: roll < 0.004 ? 130.5 : Math.round(rnd() * 10000) / 100,
    notes_attempted: attempted, notes_correct: Math.floor(attempted * rnd()), created_at: stamp, updated_at: stamp,
  };
}

type Row = Record<string, unknown>;
const columns: Record<string, readonly string[]> = {
  logbook_entries: ['id', 'user_id', 'timestamp', 'duration', 'type', 'instrument', 'pieces', 'techniques', 'goal_ids', 'notes', 'mood', 'tags', 'metadata', 'created_at', 'updated_at'],
  goals: ['id', 'user_id', 'title', 'description', 'target_date', 'progress', 'milestones', 'status', 'linked_entries', 'created_at', 'updated_at', 'completed_at'],
  practice_sessions: ['id', 'user_id', 'instrument', 'session_type', 'sheet_music_id', 'started_at', 'completed_at', 'paused_duration', 'accuracy_percentage', 'notes_attempted', 'notes_correct', 'created_at', 'updated_at'],
};

/** Upserts rows (by id) with one statement per 5,000 rows. */
async function writeRows(pool: pg.Pool, table: string, rows: readonly Row[]): Promise<void> {
  const cols = columns[table];
  const list = cols.map((c) => `"${c}"`).join(', ');
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await pool.query(
      `INSERT INTO public.${table} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::public.${table}, $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET ${cols.filter((c) => c !== 'id').map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ')}`,
      [JSON.stringify(chunk)],
    );
  }
}

/** Replaces the three backend tables' rows with fresh sample data (sync_data is left alone). */
export async function seedSampleData(pool: pg.Pool, options: SampleOptions): Promise<SampleCounts> {
  const rnd = randomSource(options.seed);
  const users = Math.max(1, options.users);
  await pool.query('TRUNCATE public.logbook_entries, public.goals, public.practice_sessions');
  const counts: SampleCounts = { logbookEntries: options.entries, goals: Math.round(options.entries / 10), practiceSessions: Math.round((options.entries * 3) / 10) };
  const make = async (table: string, total: number, build: (rnd: () => number, n: number, users: number, stamp: number) => Row) => {
    let batch: Row[] = [];
    for (let n = 1; n <= total; n++) {
      batch.push(build(rnd, n, users, epoch + Math.floor((n / (total + 1)) * year)));
      if (batch.length === 20000) {
        await writeRows(pool, table, batch);
        batch = [];
      }
    }
    await writeRows(pool, table, batch);
  };
  await make('logbook_entries', counts.logbookEntries, logbookEntry);
  await make('goals', counts.goals, goal);
  await make('practice_sessions', counts.practiceSessions, practiceSession);
  return counts;
}

export interface MutationCounts {
  changed: number;
  added: number;
  deleted: number;
}

/**
 * Changes (60%), adds (20%) and deletes (20%) `fraction` of each backend table's records, picked
 * by the seed. Changed and added records get updated_at later than any existing one.
 */
export async function mutateSampleData(pool: pg.Pool, fraction: number, seed: number, users = 50): Promise<MutationCounts> {
  const rnd = randomSource(seed ^ 0x5eed);
  const totals: MutationCounts = { changed: 0, added: 0, deleted: 0 };
  const builders: Record<string, (rnd: () => number, n: number, users: number, stamp: number) => Row> = {
    logbook_entries: logbookEntry, goals: goal, practice_sessions: practiceSession,
  };
  // One clock for all three tables, as the application's: every new stamp is past every old one.
  const top = await pool.query<{ top: string | null }>(
    'SELECT greatest((SELECT max(updated_at) FROM public.logbook_entries), (SELECT max(updated_at) FROM public.goals), (SELECT max(updated_at) FROM public.practice_sessions))::text AS top',
  );
  let stamp = Number(top.rows[0].top ?? 0) + 1000;
  for (const table of Object.keys(builders)) {
    const stats = await pool.query<{ n: number; max_id: string | null }>(`SELECT count(*)::int AS n, max(id) AS max_id FROM public.${table}`);
    const { n } = stats.rows[0];
    if (n === 0) continue;
    const touched = Math.max(1, Math.round(n * fraction));
    const change = Math.round(touched * 0.6);
    const remove = Math.round(touched * 0.2);
    const add = touched - change - remove;
    const sample = await pool.query<Row>(`SELECT * FROM public.${table} ORDER BY md5(id || $1) LIMIT $2`, [String(seed), change + remove]);
    const toChange = sample.rows.slice(0, change).map((row) => {
      const next: Row = { ...row, updated_at: stamp++ };
      if (table === 'logbook_entries') next.notes = `revised ${Math.floor(rnd() * 1e6)}`;
      else if (table === 'goals') next.progress = Math.floor(rnd() * 101);
      else next.paused_duration = Math.floor(rnd() * 600);
      return next;
    });
    await writeRows(pool, table, toChange);
    const toDelete = sample.rows.slice(change).map((row) => row.id as string);
    await pool.query(`DELETE FROM public.${table} WHERE id = ANY($1)`, [toDelete]);
    const firstNew = Number(String(stats.rows[0].max_id).replace(/\D/g, '')) + 1;
    const added = Array.from({ length: add }, (_, i) => {
      const built = builders[table](rnd, firstNew + i, users, stamp++);
      return { ...built, created_at: built.created_at, updated_at: stamp };
    });
    await writeRows(pool, table, added);
    totals.changed += toChange.length;
    totals.deleted += toDelete.length;
    totals.added += added.length;
  }
  return totals;
}
