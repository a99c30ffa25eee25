/**
 * The engine's test kind: moves rows from `engine_source` to `engine_target` (a real kind with
 * real side effects). One unit per row. Filters inject what the engine tests need: delays per
 * step (to act mid-phase), poison payloads (a unit fails), and corrupted copies (validation fails).
 *
 * Rollback undoes exactly: cutover re-inserts the moved source rows from the target copy; convert
 * deletes the copies; backup and validate change nothing.
 */
import type pg from 'pg';
import type { KindFactory, MigrationKind, StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome, UnitStep } from '../../src/engine/types';

export const copyRowsKindId = 'test-copy-rows';

export interface CopyRowsFilters {
  /** Milliseconds to wait per call of a step (per page for inventory). */
  delayMs?: Partial<Record<'inventory' | UnitStep, number>>;
  /** Ids whose copy is written wrong on purpose, so validation fails. */
  corruptIds?: number[];
}

export async function createCopyRowsTables(pool: pg.Pool, rows: number, payload = (id: number) => `payload-${id}-${'x'.repeat(id % 7)}`): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS engine_source (id integer PRIMARY KEY, payload text NOT NULL);
    CREATE TABLE IF NOT EXISTS engine_target (id integer PRIMARY KEY, payload text NOT NULL);
    TRUNCATE engine_source, engine_target;`);
  const ids = Array.from({ length: rows }, (_, i) => i + 1);
  await pool.query('INSERT INTO engine_source SELECT id, p FROM unnest($1::int[], $2::text[]) AS u(id, p)', [ids, ids.map(payload)]);
}

/** An order-independent checksum of both tables, to compare states before and after. */
export async function copyRowsChecksum(pool: pg.Pool): Promise<{ source: string; target: string; sourceRows: number; targetRows: number }> {
  const result = await pool.query<{ source: string; target: string; source_rows: number; target_rows: number }>(`
    SELECT (SELECT md5(coalesce(string_agg(id || ':' || payload, ',' ORDER BY id), '')) FROM engine_source) AS source,
           (SELECT md5(coalesce(string_agg(id || ':' || payload, ',' ORDER BY id), '')) FROM engine_target) AS target,
           (SELECT count(*)::int FROM engine_source) AS source_rows,
           (SELECT count(*)::int FROM engine_target) AS target_rows`);
  const row = result.rows[0];
  return { source: row.source, target: row.target, sourceRows: row.source_rows, targetRows: row.target_rows };
}

const ids = (units: readonly UnitRow[]) => units.map((u) => Number(u.detail.id));
const pause = (run: StepRun, step: 'inventory' | UnitStep) => {
  const ms = (run.options.filters as CopyRowsFilters).delayMs?.[step] ?? 0;
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
};

export const kindFactory: KindFactory = ({ db }) => {
  const { pool } = db;
  const kind: MigrationKind = {
    id: copyRowsKindId,
    title: 'Test kind: copy rows from engine_source to engine_target',
    rollbackNotes: 'Everything: moved rows are re-inserted from their copies, copies are deleted.',
    filterFlags: [],
    unitsPerCall: 500,
    scope: () => 'all',
    async inventory(run, cursor) {
      await pause(run, 'inventory');
      const rows = await pool.query<{ id: number; bytes: number }>(
        `SELECT s.id, length(s.payload) AS bytes FROM engine_source s
         WHERE s.id > $1 AND NOT EXISTS (SELECT 1 FROM engine_target t WHERE t.id = s.id)
         ORDER BY s.id LIMIT 10000`,
        [Number(cursor ?? 0)],
      );
      return {
        units: rows.rows.map((r) => ({ key: `row-${r.id}`, records: 1, bytes: r.bytes, detail: { id: r.id } })),
        nextCursor: rows.rows.length === 10000 ? String(rows.rows[rows.rows.length - 1].id) : undefined,
      };
    },
    async backup(run, units) {
      await pause(run, 'backup');
      const rows = await pool.query<{ id: number; sum: string }>('SELECT id, md5(payload) AS sum FROM engine_source WHERE id = ANY($1)', [ids(units)]);
      const sums = new Map(rows.rows.map((r) => [r.id, r.sum]));
      return units.map((u) => ({ key: u.key, status: 'done', checksum: sums.get(Number(u.detail.id)) }));
    },
    async simulate(run, units) {
      await pause(run, 'simulate');
      const rows = await pool.query<{ id: number; payload: string }>('SELECT id, payload FROM engine_source WHERE id = ANY($1)', [ids(units)]);
      const byId = new Map(rows.rows.map((r) => [r.id, r.payload]));
      return units.map((u): UnitOutcome => {
        const payload = byId.get(Number(u.detail.id));
        return payload === 'poison'
          ? { key: u.key, status: 'failed', recordsRead: 1, recordsRejected: 1, error: { code: 'POISON', message: `row ${u.detail.id} would be rejected: poison payload` } }
          : { key: u.key, status: 'done', recordsRead: 1, recordsWritten: 1, detail: { wouldWrite: 1 } };
      });
    },
    async convert(run, units) {
      await pause(run, 'convert');
      const corrupt = (run.options.filters as CopyRowsFilters).corruptIds ?? [];
      const written = await pool.query<{ id: number }>(
        `INSERT INTO engine_target (id, payload)
         SELECT id, CASE WHEN id = ANY($2) THEN payload || '-corrupted' ELSE payload END FROM engine_source
         WHERE id = ANY($1) AND payload <> 'poison'
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [ids(units), corrupt],
      );
      const poison = await pool.query<{ id: number }>(`SELECT id FROM engine_source WHERE id = ANY($1) AND payload = 'poison'`, [ids(units)]);
      const poisoned = new Set(poison.rows.map((r) => r.id));
      void written;
      return units.map((u): UnitOutcome => poisoned.has(Number(u.detail.id))
        ? { key: u.key, status: 'failed', recordsRead: 1, recordsRejected: 1, error: { code: 'POISON', message: `row ${u.detail.id} has a poison payload` } }
        : { key: u.key, status: 'done', recordsRead: 1, recordsWritten: 1 });
    },
    async validate(run, units) {
      await pause(run, 'validate');
      const rows = await pool.query<{ id: number; same: boolean | null }>(
        `SELECT s.id, s.payload = t.payload AS same FROM engine_source s LEFT JOIN engine_target t ON t.id = s.id WHERE s.id = ANY($1)`,
        [ids(units)],
      );
      const same = new Map(rows.rows.map((r) => [r.id, r.same]));
      return units.map((u): UnitOutcome => {
        const verdict = same.get(Number(u.detail.id));
        if (verdict === true) return { key: u.key, status: 'done' };
        return { key: u.key, status: 'failed', mismatches: [verdict === null ? `row ${u.detail.id} missing from target` : `row ${u.detail.id}: payload differs`] };
      });
    },
    async cutover(run, units) {
      await pause(run, 'cutover');
      await pool.query(
        'DELETE FROM engine_source s USING engine_target t WHERE s.id = ANY($1) AND t.id = s.id AND t.payload = s.payload',
        [ids(units)],
      );
      return units.map((u) => ({ key: u.key, status: 'done' }));
    },
    async rollback(run, units, step) {
      if (step === 'cutover') {
        await pool.query('INSERT INTO engine_source SELECT id, payload FROM engine_target WHERE id = ANY($1) ON CONFLICT (id) DO NOTHING', [ids(units)]);
      } else if (step === 'convert') {
        await pool.query('DELETE FROM engine_target WHERE id = ANY($1)', [ids(units)]);
      }
      return units.map((u) => ({ key: u.key, status: 'done' }));
    },
  };
  return kind;
};
