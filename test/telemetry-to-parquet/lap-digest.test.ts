import { describe, expect, it } from 'vitest';
import { isCurrentDigest, lapColumnsDigest, sourceLapDigest } from '../../src/telemetry/lap-digest';
import { float8Array } from '../../src/telemetry/pg-binary-copy';
import { float8Field, tricky } from '../support/binary-copy';
import type { ChannelColumn, LapColumns } from '../../src/telemetry/types';

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

  it('changes with any one bit of any element, and names its form', () => {
    const values = Array.from({ length: 300 }, (_, i) => i / 8);
    const elements = float8Array(float8Field(values))!.elements;
    const digest = sourceLapDigest([{ length: 300, elements }, null]);
    expect(isCurrentDigest(digest)).toBe(true);
    expect(isCurrentDigest('ab'.repeat(32))).toBe(false);
    const seen = new Set([digest]);
    for (const bit of [0, 7, 8 * 4 + 3, 8 * 1000 + 1, 8 * elements.length - 1]) {
      const flipped = Uint8Array.from(elements);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      seen.add(sourceLapDigest([{ length: 300, elements: flipped }, null]));
    }
    expect(seen.size).toBe(6);
  });
});
