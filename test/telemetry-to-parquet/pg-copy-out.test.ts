/**
 * The COPY reader on the real database: payloads equal to what pg-copy-streams reads of the same
 * COPY, whole rows each, gathered buffers reused only once the next payload is asked for; an
 * error in the middle of a COPY reaches the consumer and leaves the connection usable; a consumer
 * that stops early leaves a connection that is closed, not reused.
 */
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyBinaryTuples } from '../../src/telemetry/pg-binary-copy';
import { CopyOut } from '../../src/telemetry/pg-copy-out';
import { openTestContext, type TestContext } from '../support/harness';

let t: TestContext;
beforeAll(async () => {
  t = await openTestContext('t2p_copy_out');
  // Rows from a few bytes to ~1 MB, so that payloads fit in a socket chunk or spread over many.
  await t.db.pool.query(`CREATE TABLE copy_rows AS SELECT g AS id, array_fill(g::float8 / 7, ARRAY[CASE WHEN g % 3 = 0 THEN 90000 ELSE g * 37 END]) AS data
    FROM generate_series(1, 60) g`);
});
afterAll(async () => t?.close());

const sql = 'COPY (SELECT id, data FROM copy_rows ORDER BY id) TO STDOUT (FORMAT binary)';

async function viaCopyStreams(): Promise<Buffer> {
  const client = await t.db.pool.connect();
  try {
    const parts: Buffer[] = [];
    for await (const chunk of client.query(copyStreams.to(sql))) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  } finally {
    client.release();
  }
}

it('reads the bytes pg-copy-streams reads, one row per payload, reusing gathered buffers only after they were consumed', async () => {
  const expected = await viaCopyStreams();
  for (const recycle of [false, true]) {
    const client = await t.db.pool.connect();
    try {
      const copy = new CopyOut(sql, { recycle, readAhead: 256 * 1024 });
      const payloads: Buffer[] = [];
      const stores = new Set<ArrayBufferLike>();
      let reused = 0;
      for await (const payload of client.query(copy)) {
        // Payloads longer than a socket read (64 KiB) were gathered into buffers of their own.
        if (payload.length > 65536) {
          if (stores.has(payload.buffer)) reused++;
          stores.add(payload.buffer);
        }
        payloads.push(Buffer.from(payload)); // copied now: valid only until the next is asked for
      }
      expect(Buffer.concat(payloads).equals(expected), `recycle ${recycle}`).toBe(true);
      // The header comes with the first row, the trailer (-1) on its own; each other payload is one row of 2 fields.
      expect(payloads.length).toBe(61);
      expect(payloads[0].subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
      for (const p of payloads.slice(1, -1)) expect(p.readInt16BE(0)).toBe(2);
      expect(payloads.at(-1)!.readInt16BE(0)).toBe(-1);
      expect(copy.rowCount).toBe(60);
      if (recycle) expect(reused).toBeGreaterThan(0);
      else expect(reused).toBe(0);
      // The connection is pg's again.
      expect((await client.query('SELECT 41 + 1 AS n')).rows[0].n).toBe(42);
    } finally {
      client.release();
    }
  }
});

it('yields whole tuples through copyBinaryTuples with recycled buffers', async () => {
  const client = await t.db.pool.connect();
  try {
    const ids: number[] = [];
    let elements = 0;
    for await (const fields of copyBinaryTuples(client.query(new CopyOut(sql, { recycle: true, readAhead: 64 * 1024 })), { reuse: true })) {
      ids.push(fields[0]!.readInt32BE(0));
      elements += fields[1]!.readInt32BE(12);
      // Every element is the row's id / 7, checked before the next row is asked for.
      const id = ids.at(-1)!;
      const data = fields[1]!;
      const last = data.readDoubleBE(data.length - 8);
      expect(last).toBe(id / 7);
    }
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(elements).toBe(Array.from({ length: 60 }, (_, i) => ((i + 1) % 3 === 0 ? 90000 : (i + 1) * 37)).reduce((a, b) => a + b, 0));
  } finally {
    client.release();
  }
});

it('passes an error raised in the middle of the COPY to the consumer and leaves the connection usable', async () => {
  const client = await t.db.pool.connect();
  try {
    // No ORDER BY: the division would be computed below the sort, before any row is sent.
    const failing = 'COPY (SELECT id, 1 / (id - 40) AS x, data FROM copy_rows) TO STDOUT (FORMAT binary)';
    let rows = 0;
    const read = (async () => { for await (const payload of client.query(new CopyOut(failing))) if (payload.length > 2) rows++; })();
    await expect(read).rejects.toThrow(/division by zero/);
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(40);
    expect((await client.query('SELECT count(*)::int AS n FROM copy_rows')).rows[0].n).toBe(60);
  } finally {
    client.release();
  }
});

it('drops the rest of a COPY its consumer stopped reading, and the connection is usable again', async () => {
  const client = await t.db.pool.connect();
  try {
    let seen = 0;
    for await (const payload of client.query(new CopyOut(sql, { recycle: true, readAhead: 64 * 1024 }))) {
      expect(payload.length).toBeGreaterThan(0);
      if (++seen === 3) break;
    }
    expect((await client.query('SELECT count(*)::int AS n FROM copy_rows')).rows[0].n).toBe(60);
  } finally {
    client.release();
  }
});
