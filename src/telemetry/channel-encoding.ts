/**
 * Chooses how each channel is stored. A channel whose every value is a short decimal (at most
 * `maxScale` digits after the point, read back bit for bit as k / 10^scale) is stored as a Parquet
 * DECIMAL(18, scale) over Int64 with delta encoding; anything else (NaN, ±Infinity, -0, long
 * fractions) is stored as Float64. Both read back as the exact float64 the source held.
 */
import type { ChannelColumn, ColumnPlan } from './types';

export const maxScale = 9;
const pow10 = Array.from({ length: maxScale + 1 }, (_, i) => 10 ** i);
const maxExact = 2 ** 53;

/** True when `value` is stored exactly as round(value·10^scale) / 10^scale. */
export function fitsScale(value: number, scale: number): boolean {
  const p = pow10[scale];
  const k = Math.round(value * p);
  return Math.abs(k) <= maxExact && Object.is(k / p, value);
}

/** The smallest scale that stores `value` exactly, or -1 when it needs Float64. */
export function minimalScale(value: number): number {
  if (!Number.isFinite(value) || Object.is(value, -0)) return -1;
  for (let s = 0; s <= maxScale; s++) if (fitsScale(value, s)) return s;
  return -1;
}

/** The scale a column needs given a starting guess: -1 for Float64. Checks each value once in the common case. */
export function requiredScale(column: ChannelColumn, length: number, start: number): number {
  let scale = start;
  const { values, nulls } = column;
  for (let i = 0; i < length; i++) {
    if (nulls && nulls[i]) continue;
    const v = values[i];
    if (fitsScale(v, scale) && !Object.is(v, -0)) continue;
    const s = minimalScale(v);
    if (s < 0) return -1;
    if (s > scale) scale = s;
  }
  return scale;
}

/** Widens `plan` so that it stores `column` exactly; returns the same object when nothing changes. */
export function widenPlan(plan: ColumnPlan, column: ChannelColumn | null, length: number): ColumnPlan {
  if (plan.encoding === 'float64' || column === null) return plan;
  const scale = requiredScale(column, length, plan.scale);
  if (scale === plan.scale) return plan;
  return scale < 0 ? { name: plan.name, encoding: 'float64', scale: 0 } : { name: plan.name, encoding: 'decimal', scale };
}

/** Scaled integers for a decimal column as little-endian 128-bit words (Arrow Decimal128 layout). */
export function toDecimalWords(column: ChannelColumn | null, length: number, scale: number): Uint32Array {
  const words = new Uint32Array(length * 4);
  if (column === null) return words;
  const p = pow10[scale];
  const { values, nulls } = column;
  for (let i = 0; i < length; i++) {
    if (nulls && nulls[i]) continue;
    const k = Math.round(values[i] * p);
    const hi = Math.floor(k / 4294967296);
    words[i * 4] = k - hi * 4294967296;
    words[i * 4 + 1] = hi >>> 0;
    const sign = k < 0 ? 0xffffffff : 0;
    words[i * 4 + 2] = sign;
    words[i * 4 + 3] = sign;
  }
  return words;
}

export function decimalDivisor(scale: number): number {
  return pow10[scale];
}
