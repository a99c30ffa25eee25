/** The telemetry source rows of some sessions, fingerprinted for tests that must leave them exact. */
import type pg from 'pg';

export interface SourceChecksum {
  readonly laps: string;
  readonly channels: string;
  readonly rows: number;
}

/**
 * Every source row of the sessions, ids and arrays included, as PostgreSQL prints them (exact for
 * float8): any changed, missing or duplicated row changes it.
 */
export async function telemetrySourceChecksum(pool: pg.Pool, ids: readonly number[]): Promise<SourceChecksum> {
  const r = await pool.query<SourceChecksum>(
    `SELECT (SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) FROM lap_telemetry x WHERE x.session_id = ANY($1)) AS laps,
            (SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) FROM telemetry_channels c JOIN laps l ON l.id = c.lap_id WHERE l.session_id = ANY($1)) AS channels,
            (SELECT count(*)::int FROM lap_telemetry x WHERE x.session_id = ANY($1)) AS rows`, [ids]);
  return r.rows[0];
}
