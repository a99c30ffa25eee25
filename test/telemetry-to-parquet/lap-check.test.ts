import { describe, expect, it } from 'vitest';
import { usualArrayHeader } from '../../activities/telemetry-to-parquet/array-headers';
import { checkLap, decodeLap, fileChannels } from '../../activities/telemetry-to-parquet/lap-check';
import type { SourceArray, SourceLap } from '../../activities/telemetry-to-parquet/source';
import { standardChannels } from '../../src/telemetry/types';

/** A float8[] as binary COPY sends its elements (no NULLs). */
function arr(values: number[], dims = 1): SourceArray {
  const elements = Buffer.alloc(values.length * 12);
  values.forEach((v, i) => { elements.writeInt32BE(8, i * 12); elements.writeDoubleBE(v, i * 12 + 4); });
  return { length: values.length, dims, header: usualArrayHeader(values.length), elements };
}
function lap(over: { time?: SourceArray | null; speed?: SourceArray | null; aux?: SourceLap['aux']; lapNumber?: number } = {}): SourceLap {
  const standard = new Map<string, SourceArray | null>(standardChannels.map((c) => [c, null]));
  standard.set('time', over.time === undefined ? arr([0, 1, 2]) : over.time);
  standard.set('speed', over.speed === undefined ? arr([10, 11, 12]) : over.speed);
  return { id: 99, lapId: 5, lapNumber: over.lapNumber ?? 3, standard: standard as SourceLap['standard'], aux: over.aux ?? [], bytes: 0, version: '1:' };
}
const channels = fileChannels(['oil_temp']);
const none = new Set<number>();

describe('lap checks', () => {
  it('accepts a well-formed lap; NULL arrays become absent channels', () => {
    const source = lap({ aux: [{ id: 1, name: 'oil_temp', data: arr([90, 91, 92]) }] });
    const v = checkLap(source, channels, none);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.samples).toBe(3);
    const decoded = decodeLap(source, channels, v.samples);
    expect(decoded.length).toBe(3);
    expect([...decoded.channels.get('oil_temp')!.values]).toEqual([90, 91, 92]);
    expect(v.absent).toEqual(standardChannels.filter((c) => c !== 'time' && c !== 'speed'));
  });

  it('keeps NaN and ±Infinity as values', () => {
    const v = checkLap(lap({ speed: arr([NaN, Infinity, -Infinity]) }), channels, none);
    expect(v.ok).toBe(true);
  });

  it('quarantines every copy of a duplicated lap number', () => {
    expect(checkLap(lap(), channels, new Set([3]))).toMatchObject({ ok: false, code: 'LAP_DUPLICATE_NUMBER', samples: 3 });
  });

  it('quarantines a lap with NULL or empty time, counting its longest array as its samples', () => {
    expect(checkLap(lap({ time: null }), channels, none)).toMatchObject({ ok: false, code: 'LAP_NO_TIME', samples: 3 });
    expect(checkLap(lap({ time: arr([]), speed: null }), channels, none)).toMatchObject({ ok: false, code: 'LAP_NO_TIME', samples: 0 });
  });

  it('quarantines arrays of different lengths, naming them', () => {
    const v = checkLap(lap({ speed: arr([1, 2]), aux: [{ id: 1, name: 'oil_temp', data: arr([1, 2, 3, 4]) }] }), channels, none);
    expect(v).toMatchObject({ ok: false, code: 'LAP_LENGTH_MISMATCH', samples: 4 });
    expect(!v.ok && v.reason).toMatch(/speed=2, oil_temp=4/);
  });

  it('quarantines multi-dimensional arrays', () => {
    expect(checkLap(lap({ speed: arr([1, 2, 3], 2) }), channels, none)).toMatchObject({ ok: false, code: 'ARRAY_NOT_ONE_DIMENSIONAL' });
  });

  it('quarantines auxiliary channels named like a standard column or twice in a lap', () => {
    expect(checkLap(lap({ aux: [{ id: 1, name: 'speed', data: arr([1, 2, 3]) }] }), channels, none)).toMatchObject({ ok: false, code: 'AUX_NAME_CONFLICT' });
    expect(checkLap(lap({ aux: [{ id: 1, name: 'lap_number', data: arr([1, 2, 3]) }] }), channels, none)).toMatchObject({ ok: false, code: 'AUX_NAME_CONFLICT' });
    const twice = [{ id: 1, name: 'oil_temp', data: arr([1, 2, 3]) }, { id: 2, name: 'oil_temp', data: arr([1, 2, 3]) }];
    expect(checkLap(lap({ aux: twice }), channels, none)).toMatchObject({ ok: false, code: 'AUX_DUPLICATE_NAME' });
  });

  it('gives the file the standard channels first, then auxiliary names that are not reserved', () => {
    expect(fileChannels(['boost', 'speed', 'lap_number'])).toEqual([...standardChannels, 'boost']);
  });
});
