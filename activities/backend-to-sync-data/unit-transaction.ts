/** Runs work for one unit in a transaction of its own, serialized per (migration, unit) against a twin attempt. */
import type pg from 'pg';
import { inTransaction } from '../../src/db/transaction';

export async function inUnitTransaction<T>(pool: pg.Pool, migrationId: string, unitKey: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sync-data-unit:${migrationId}:${unitKey}`]);
    return work(client);
  });
}
