import { describe, expect, it } from 'vitest';
import { fitsScale, minimalScale, requiredScale, toDecimalWords, widenPlan } from '../../src/telemetry/channel-encoding';
import { lapToRecordBatch, arrowSchemaFor } from '../../src/telemetry/lap-batch';
import { initialPlan } from '../../src/telemetry/session-file';
import type { ChannelColumn, ColumnPlan } from '../../src/telemetry/types';

const col = (values: number[], nulls?: number[]): ChannelColumn => ({ values: Float64Array.from(values), ...(nulls ? { nulls: Uint8Array.from(nulls) } : {}) });
const decimal = (name: string, scale: number): ColumnPlan => ({ name, encoding: 'decimal', scale });

describe('channel encoding: decimal or Float64', () => {
  it('finds the smallest scale that reads back bit for bit', () => {
    expect(minimalScale(42)).toBe(0);
    expect(minimalScale(123.45)).toBe(2);
    expect(minimalScale(52.1234567)).toBe(7);
    expect(minimalScale(-1.0000001)).toBe(7);
    expect(minimalScale(0.001)).toBe(3);
    expect(minimalScale(0.1 + 0.2)).toBe(-1); // 0.30000000000000004 is no short decimal
    expect(minimalScale(Math.PI)).toBe(-1);
    expect(minimalScale(1e-10)).toBe(-1); // 10 digits after the point: beyond maxScale
  });

  it('sends NaN, ±Infinity and -0 to Float64, since no scaled integer holds them', () => {
    for (const v of [NaN, Infinity, -Infinity, -0]) expect(minimalScale(v), String(v)).toBe(-1);
    expect(widenPlan(decimal('speed', 2), col([1.25, -0]), 2)).toEqual({ name: 'speed', encoding: 'float64', scale: 0 });
    expect(widenPlan(decimal('speed', 0), col([1, NaN]), 2).encoding).toBe('float64');
    expect(widenPlan(decimal('speed', 0), col([Infinity]), 1).encoding).toBe('float64');
    // +0 is a decimal like any other
    expect(widenPlan(decimal('speed', 0), col([0, 0]), 2)).toEqual(decimal('speed', 0));
  });

  it('keeps integers beyond 2^53 out of decimals (they would not round-trip through Int64 arithmetic here)', () => {
    expect(fitsScale(2 ** 53, 0)).toBe(true);
    expect(fitsScale(2 ** 54, 0)).toBe(false);
    expect(minimalScale(2 ** 60)).toBe(-1);
  });

  it('ignores NULL elements and NULL arrays when choosing the scale', () => {
    // the NULL slot holds a value that would force Float64 if it were looked at
    expect(requiredScale(col([1.5, NaN, 2.25], [0, 1, 0]), 3, 0)).toBe(2);
    const plan = decimal('rpm', 0);
    expect(widenPlan(plan, null, 10)).toBe(plan);
    expect(widenPlan(plan, col([1, 2, 3]), 3)).toBe(plan);
  });

  it('only widens: a scale once reached is kept, and Float64 is final', () => {
    expect(widenPlan(decimal('lat', 7), col([52]), 1)).toEqual(decimal('lat', 7));
    expect(widenPlan(decimal('lat', 2), col([52.1234567]), 1)).toEqual(decimal('lat', 7));
    const f: ColumnPlan = { name: 'x', encoding: 'float64', scale: 0 };
    expect(widenPlan(f, col([1]), 1)).toBe(f);
  });

  it('looks only at the first `length` values', () => {
    expect(requiredScale(col([1, 2, NaN]), 2, 0)).toBe(0);
  });

  it('stores scaled integers as two’s-complement 128-bit words that divide back to the exact float64', () => {
    const values = [0, 1.25, -1.25, 52.1234567, -0.0000001, 9007199.254740991, -9007199.254740991];
    const scale = 9;
    const fitting = values.filter((v) => fitsScale(v, scale));
    const words = toDecimalWords(col(fitting), fitting.length, scale);
    fitting.forEach((v, i) => {
      const lo = BigInt(words[i * 4]) | (BigInt(words[i * 4 + 1]) << 32n) | (BigInt(words[i * 4 + 2]) << 64n) | (BigInt(words[i * 4 + 3]) << 96n);
      const k = BigInt.asIntN(128, lo);
      expect(Object.is(Number(k) / 10 ** scale, v), `${v}`).toBe(true);
    });
    expect(toDecimalWords(col([5, 6], [0, 1]), 2, 0)).toEqual(Uint32Array.from([5, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('lays a lap out as Arrow columns with the plan’s types and NULLs where the source had them', () => {
    const plan = [decimal('speed', 2), { name: 'rpm', encoding: 'float64' as const, scale: 0 }, ...initialPlan(['gear'])];
    const batch = lapToRecordBatch({ lapNumber: 7, length: 3, channels: new Map([['speed', col([1.5, 0, 2.25], [0, 1, 0])], ['rpm', col([NaN, -0, Infinity])], ['gear', null]]) }, plan);
    const types = batch.schema.fields.map((f) => f.type as unknown as { scale?: number; precision?: number });
    expect(batch.schema.fields.map((f) => String(f.type).replace(/\[.*/, ''))).toEqual(['Int32', 'Decimal', 'Float64', 'Decimal']);
    expect([types[1].scale, types[1].precision, types[3].scale]).toEqual([2, 18, 0]);
    expect([...batch.getChild('lap_number')!]).toEqual([7, 7, 7]);
    const rpm = [...batch.getChild('rpm')!] as number[];
    expect(Number.isNaN(rpm[0]) && Object.is(rpm[1], -0) && rpm[2] === Infinity).toBe(true);
    expect(batch.getChild('speed')!.nullCount).toBe(1);
    expect(batch.getChild('gear')!.nullCount).toBe(3);
  });
});
