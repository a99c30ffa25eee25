/** Reads a run back the way the application will after cutover: the latest run with its samples. */
import type pg from 'pg';

export interface RunSummary {
  readonly id: number;
  readonly startedAt: Date;
  readonly status: string;
  readonly sourceFile: string | null;
  readonly samples: number;
  readonly events: number;
  readonly lastRecordedAt: Date | null;
}

export async function readLatestRun(pool: pg.Pool): Promise<RunSummary | undefined> {
  const row = await pool.query<{ id: number }>('SELECT id FROM public.runs ORDER BY started_at DESC, id DESC LIMIT 1');
  return row.rows.length === 0 ? undefined : readRun(pool, row.rows[0].id);
}

export async function readRun(pool: pg.Pool, id: number): Promise<RunSummary | undefined> {
  const result = await pool.query<{ id: number; started_at: Date; status: string; source_file: string | null; samples: number; events: number; last: Date | null }>(
    `SELECT r.id, r.started_at, r.status, r.source_file,
            (SELECT count(*)::int FROM public.run_samples s WHERE s.run_id = r.id) AS samples,
            (SELECT count(*)::int FROM public.logger_events e WHERE e.run_id = r.id) AS events,
            (SELECT max(recorded_at) FROM public.run_samples s WHERE s.run_id = r.id) AS last
     FROM public.runs r WHERE r.id = $1`,
    [id],
  );
  const r = result.rows[0];
  return r && { id: r.id, startedAt: r.started_at, status: r.status, sourceFile: r.source_file, samples: r.samples, events: r.events, lastRecordedAt: r.last };
}
