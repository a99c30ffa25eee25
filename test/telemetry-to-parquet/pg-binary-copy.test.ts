import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { copyBinaryTuples, float8Array } from '../../src/telemetry/pg-binary-copy';
import { seededRandom } from '../../src/sample-data/seeded-random';
import { copyStream, float8Field, tricky } from '../support/binary-copy';

/** The stream cut into pieces of random sizes, as a socket delivers it. */
function inPieces(bytes: Buffer, random: () => number): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(random() * 70_000);
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(pieces);
}

describe('binary COPY float8[] decoding', () => {
  it('decodes every value bit for bit, NULL elements as nulls, and views the element bytes', () => {
    const field = float8Field(tricky);
    const a = float8Array(field)!;
    expect(a.length).toBe(tricky.length);
    expect(a.dims).toBe(1);
    tricky.forEach((v, i) => {
      if (v === null) expect(a.column.nulls?.[i]).toBe(1);
      else expect(Object.is(a.column.values[i], v), `element ${i}`).toBe(true);
    });
    expect(Buffer.from(a.elements).equals(field.subarray(20))).toBe(true);
  });

  it('reads an empty array as length 0 and a SQL NULL as null', () => {
    const empty = Buffer.alloc(12);
    empty.writeInt32BE(701, 8);
    expect(float8Array(empty)).toMatchObject({ length: 0, dims: 1 });
    expect(float8Array(null)).toBeNull();
  });

  it('refuses an element that is not 8 bytes long (not a float8[])', () => {
    const field = float8Field([1]);
    field.writeInt32BE(4, 20);
    expect(() => float8Array(field)).toThrow(/element 0 is 4 bytes long/);
  });
});


describe('binary COPY tuples', () => {
  it('yields the same fields whatever the chunking, with and without reusing the join buffer', async () => {
    const random = seededRandom(3);
    const tuples = Array.from({ length: 40 }, (_, i) => [
      Buffer.from([0, 0, 0, i]),
      i % 5 === 0 ? null : float8Field(Array.from({ length: Math.floor(random() * 9000) }, () => random())),
      float8Field(tricky),
    ]);
    const bytes = copyStream(tuples);
    for (const reuse of [false, true]) {
      const seen: string[] = [];
      // Each tuple is checked before the next is requested: what `reuse` promises.
      for await (const fields of copyBinaryTuples(inPieces(bytes, random), { reuse })) seen.push(fields.map((f) => f?.toString('hex') ?? 'NULL').join('|'));
      expect(seen).toEqual(tuples.map((fields) => fields.map((f) => f?.toString('hex') ?? 'NULL').join('|')));
    }
  });
});
