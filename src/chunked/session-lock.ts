/**
 * One session is migrated by one caller at a time, across processes: a PostgreSQL advisory lock
 * keyed on the session id, held on a dedicated connection for the duration of the work. A second
 * caller waits, then finds the work done.
 */
import type pg from 'pg';

export async function withSessionLock<T>(pool: pg.Pool, sessionId: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const key = `ferry:monolithic-to-chunked:${sessionId}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    }
  } finally {
    client.release();
  }
}
