/**
 * The values part of a channel's data page, from a decoded column (values and NULL flags):
 * definition levels as RLE runs, decimals as DELTA_BINARY_PACKED scaled integers, Float64 as
 * BYTE_STREAM_SPLIT, and the chunk statistics each writes. element-values.ts writes the same
 * pages straight from PostgreSQL's bytes where it can; this is the path for everything else.
 */
import { endianness } from 'node:os';
import { decimalDivisor } from './channel-encoding';
import { deltaBinaryPacked, deltaBinaryPackedSmall, smallMagnitude } from './delta-binary-packed';
import type { Bytes } from './page-bytes';
import { scratchFloat64 } from './scratch-arrays';
import type { ChannelColumn } from './types';

const littleEndian = endianness() === 'LE';

/** A column chunk's statistics: min and max as Parquet's plain little-endian bytes, and the NULL count. */
export interface ChunkStats { min?: Uint8Array; max?: Uint8Array; nullCount: number }

const int64Bytes = (v: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(v), true); return b; };
const doubleBytes = (v: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true); return b; };
export const int32Bytes = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };

/** Records the bounds of `count` scaled integers. */
export function decimalStats(stats: ChunkStats, count: number, min: number, max: number): void {
  if (count > 0) { stats.min = int64Bytes(min); stats.max = int64Bytes(max); }
}

/** Records the bounds of doubles; NaN takes no part, and a zero bound is written as -0 (min) and +0 (max). */
export function doubleStats(stats: ChunkStats, min: number, max: number): void {
  if (min <= max) { stats.min = doubleBytes(min === 0 ? -0 : min); stats.max = doubleBytes(max === 0 ? 0 : max); }
}

/** Definition levels (max level 1) as RLE runs, and how many are NULL; `column` null for a NULL array. */
export function definitionLevels(out: Bytes, column: Pick<ChannelColumn, 'nulls'> | null, length: number): number {
  if (column === null || !column.nulls) {
    if (length > 0) { out.uleb(length * 2); out.byte(column === null ? 0 : 1); }
    return column === null ? length : 0;
  }
  const { nulls } = column;
  let nullCount = 0;
  for (let i = 0; i < length;) {
    let j = i;
    while (j < length && nulls[j] === nulls[i]) j++;
    out.uleb((j - i) * 2);
    out.byte(nulls[i] ? 0 : 1);
    if (nulls[i]) nullCount += j - i;
    i = j;
  }
  return nullCount;
}

/** The non-NULL values of a column, in order. */
function presentValues(column: ChannelColumn, length: number): { values: Float64Array; count: number } {
  if (!column.nulls) return { values: column.values, count: length };
  const values = scratchFloat64('present', length);
  let count = 0;
  for (let i = 0; i < length; i++) if (!column.nulls[i]) values[count++] = column.values[i];
  return { values, count };
}

/** Scaled integers beyond this are not all exact in a double: such a channel needs Float64. */
const maxExact = 2 ** 53;

/**
 * Writes a decimal channel's values as scaled integers; false, writing nothing, when a value does
 * not fit `scale` (the check widenPlan makes, done here in the same pass as the scaling).
 */
export function decimalValues(out: Bytes, column: ChannelColumn, length: number, scale: number, stats: ChunkStats): boolean {
  const { values, count } = presentValues(column, length);
  const p = decimalDivisor(scale);
  const ints = scratchFloat64('ints', count);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    const k = Math.round(v * p);
    // k / p must give v back bit for bit (NaN never does); -0 has no decimal form.
    if (k / p !== v || (v === 0 && 1 / v < 0)) return false;
    ints[i] = k;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  if (min < -maxExact || max > maxExact) return false;
  if (-min < smallMagnitude && max < smallMagnitude) deltaBinaryPackedSmall(out, ints, count);
  else deltaBinaryPacked(out, ints, count);
  decimalStats(stats, count, min, max);
  return true;
}

/**
 * Appends `count` doubles BYTE_STREAM_SPLIT, each given as its high and low 32-bit words: byte b
 * (little-endian order) of every value, for b = 0…7. `s0` is where the first stream starts.
 */
export function splitWords(split: Uint8Array, s0: number, count: number, i: number, hi: number, lo: number): void {
  let at = s0 + i;
  split[at] = lo; at += count;
  split[at] = lo >>> 8; at += count;
  split[at] = lo >>> 16; at += count;
  split[at] = lo >>> 24; at += count;
  split[at] = hi; at += count;
  split[at] = hi >>> 8; at += count;
  split[at] = hi >>> 16; at += count;
  split[at] = hi >>> 24;
}

/** Writes a Float64 channel's values BYTE_STREAM_SPLIT. */
export function doubleValues(out: Bytes, column: ChannelColumn, length: number, stats: ChunkStats): void {
  const { values, count } = presentValues(column, length);
  // Each double read as two 32-bit words (the platform's order, which Float64Array shares).
  const words = new Uint32Array(values.buffer, values.byteOffset, count * 2);
  const lo0 = littleEndian ? 0 : 1;
  const hi0 = 1 - lo0;
  out.reserve(count * 8);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    splitWords(out.buf, out.length, count, i, words[2 * i + hi0], words[2 * i + lo0]);
  }
  out.length += count * 8;
  doubleStats(stats, min, max);
}
