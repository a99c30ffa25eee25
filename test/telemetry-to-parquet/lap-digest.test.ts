import { describe, expect, it } from 'vitest';
import { lapColumnsDigest, sourceLapDigest } from '../../src/telemetry/lap-digest';
import { float8Array } from '../../src/telemetry/pg-binary-copy';
import type { ChannelColumn, LapColumns } from '../../src/telemetry/types';

/** A float8[] field exactly as binary COPY sends it (one dimension, lower bound 1). */
function float8Field(values: readonly (number | null)[]): Buffer {
  const present = values.filter((v) => v !== null).length;
  const b = Buffer.alloc(20 + values.length * 4 + present * 8);
  b.writeInt32BE(1, 0);
  b.writeInt32BE(values.length > present ? 1 : 0, 4);
  b.writeInt32BE(701, 8);
  b.writeInt32BE(values.length, 12);
  b.writeInt32BE(1, 16);
  let p = 20;
  for (const v of values) {
    if (v === null) { b.writeInt32BE(-1, p); p += 4; continue; }
    b.writeInt32BE(8, p);
    b.writeDoubleBE(v, p + 4);
    p += 12;
  }
  return b;
}

const tricky = [0, -0, 0.1 + 0.2, NaN, Infinity, -Infinity, null, 52.1234567, Number.MIN_VALUE, -1e300];

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

describe('lap content digest', () => {
  const column = (values: readonly (number | null)[]): ChannelColumn => {
    const a = float8Array(float8Field(values))!;
    return a.column;
  };
  const lapOf = (channels: Record<string, readonly (number | null)[] | null>, length: number): LapColumns => ({
    lapNumber: 1, length, channels: new Map(Object.entries(channels).map(([k, v]) => [k, v === null ? null : column(v)])),
  });
  const sourceOf = (channels: Record<string, readonly (number | null)[] | null>) =>
    sourceLapDigest(Object.values(channels).map((v) => (v === null ? null : { length: v.length, elements: float8Array(float8Field(v))!.elements })));

  it('is the same from the bytes PostgreSQL sent and from the decoded columns', () => {
    const channels = { time: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45], speed: tricky, gear: null };
    expect(lapColumnsDigest(lapOf(channels, 10), Object.keys(channels))).toBe(sourceOf(channels));
  });

  it('tells apart 0 and -0, a NULL array and an array of NULLs, and the column order', () => {
    const base = sourceOf({ time: [0, 1], speed: [0, 2] });
    expect(sourceOf({ time: [0, 1], speed: [-0, 2] })).not.toBe(base);
    expect(sourceOf({ time: [0, 1], speed: null })).not.toBe(sourceOf({ time: [0, 1], speed: [null, null] }));
    expect(sourceOf({ speed: [0, 2], time: [0, 1] })).not.toBe(base);
    const lap = lapOf({ time: [0, 1], speed: [0, 2] }, 2);
    expect(lapColumnsDigest(lap, ['time', 'speed'])).toBe(base);
    expect(lapColumnsDigest(lap, ['speed', 'time'])).not.toBe(base);
  });
});
