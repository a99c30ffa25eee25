/**
 * A channel's page values written straight from its float8[] elements as PostgreSQL sent them
 * (binary COPY: int32 BE length 8, then the float64 big-endian), without decoding the lap into
 * columns first: one pass reads, scales, checks and takes the deltas of each value while the
 * block being packed stays in cache, and doubles are split from their bytes (NaN payloads kept as
 * they are). Only for channels without NULL elements and, for decimals, with scaled integers below
 * 2^30; anything else is left to the decoded path (page-values.ts), which writes the same pages.
 */
import { decimalDivisor } from './channel-encoding';
import { blockSize, deltaHeader, smallBlockDeltas, smallMagnitude, writeSmallBlock } from './delta-binary-packed';
import type { Bytes } from './page-bytes';
import { decimalStats, doubleStats, splitWords, type ChunkStats } from './page-values';

/**
 * What writing from elements did: wrote the values; found one that does not fit the scale (the
 * plan must widen); or wrote nothing and leaves the channel to the decoded path.
 */
export type ElementsWritten = 'written' | 'misfit' | 'decode';

const elementSize = 12;

/** True when `elements` holds `count` elements and none is NULL (a NULL element takes 4 bytes, not 12). */
export function allPresent(elements: Uint8Array, count: number): boolean {
  return elements.length === count * elementSize;
}

const viewOf = (elements: Uint8Array) => new DataView(elements.buffer, elements.byteOffset, elements.byteLength);

/** The element at `at` scaled by `p`, or NaN when k / p does not give it back bit for bit (NaN, -0, more digits). */
function scaledAt(view: DataView, at: number, p: number): number {
  const v = view.getFloat64(at + 4);
  const k = Math.round(v * p);
  return k / p === v && !(v === 0 && 1 / v < 0) ? k : NaN;
}

/** A decimal channel's values (`count` elements, all present) as DELTA_BINARY_PACKED scaled integers. */
export function decimalElements(out: Bytes, elements: Uint8Array, count: number, scale: number, stats: ChunkStats): ElementsWritten {
  const view = viewOf(elements);
  const p = decimalDivisor(scale);
  const start = out.length;
  let prev = 0;
  if (count > 0) {
    if (view.getInt32(0) !== 8) return 'decode';
    prev = scaledAt(view, 0, p);
    if (prev !== prev) return 'misfit';
    if (prev >= smallMagnitude || prev <= -smallMagnitude) return 'decode';
  }
  let min = prev;
  let max = prev;
  deltaHeader(out, count, prev);
  const deltas = smallBlockDeltas();
  // The outcome when a value stops the scan: the page written so far is dropped. (No closure for
  // it: one made per call changed the call target each time and sent V8's optimized code back.)
  let stopped: ElementsWritten | undefined;
  scan: for (let first = 1; first < count; first += blockSize) {
    const n = Math.min(blockSize, count - first);
    for (let j = 0, at = first * elementSize; j < n; j++, at += elementSize) {
      if (view.getInt32(at) !== 8) { stopped = 'decode'; break scan; }
      // scaledAt's test written out: as a call in this loop it measured ~15 % slower.
      const v = view.getFloat64(at + 4);
      const k = Math.round(v * p);
      if (k / p !== v || (v === 0 && 1 / v < 0)) { stopped = 'misfit'; break scan; }
      // Beyond 2^30 the deltas leave 32-bit arithmetic: the decoded path has the wider encodings.
      if (k >= smallMagnitude || k <= -smallMagnitude) { stopped = 'decode'; break scan; }
      deltas[j] = k - prev;
      prev = k;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    writeSmallBlock(out, deltas, n);
  }
  if (stopped !== undefined) {
    out.length = start;
    return stopped;
  }
  decimalStats(stats, count, min, max);
  return 'written';
}

/** A Float64 channel's values (`count` elements, all present) BYTE_STREAM_SPLIT. */
export function doubleElements(out: Bytes, elements: Uint8Array, count: number, stats: ChunkStats): ElementsWritten {
  const view = viewOf(elements);
  out.reserve(count * 8);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0, at = 0; i < count; i++, at += elementSize) {
    if (view.getInt32(at) !== 8) return 'decode';
    const v = view.getFloat64(at + 4);
    if (v < min) min = v;
    if (v > max) max = v;
    splitWords(out.buf, out.length, count, i, view.getUint32(at + 4), view.getUint32(at + 8));
  }
  out.length += count * 8;
  doubleStats(stats, min, max);
  return 'written';
}
