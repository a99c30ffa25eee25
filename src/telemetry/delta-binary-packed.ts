/**
 * Parquet's DELTA_BINARY_PACKED encoding of integers held exactly in doubles: blocks of 128 deltas
 * in 4 miniblocks of 32, each delta less the block's minimum, bit-packed at the miniblock's width.
 * Three paths by magnitude: below 2^30 in 32-bit integer arithmetic (most logged channels), up to
 * 2^51 in doubles, beyond that through BigInt (rare).
 */
import { Bytes } from './page-bytes';
import { scratchFloat64, scratchInt32 } from './scratch-arrays';

export const blockSize = 128;
const miniblocks = 4;
const miniblockSize = blockSize / miniblocks;
/** Scaled integers up to this size keep every delta and its offset from the block minimum exact in a double. */
const maxFastMagnitude = 2 ** 51;

function bitWidth(v: number): number {
  return v === 0 ? 0 : v < 2 ** 31 ? 32 - Math.clz32(v) : 32 + bitWidth(Math.floor(v / 2 ** 32));
}

/** Packs 32 values (≥ 0, exact) of `width` bits, least significant bit first: 4 × width bytes. */
function packMiniblock(out: Bytes, values: Float64Array, from: number, count: number, width: number): void {
  out.reserve(4 * width);
  const buf = out.buf;
  let pos = out.length;
  let acc = 0;
  let bits = 0;
  if (width <= 24) {
    // Fits 32-bit integer arithmetic: fewer than 8 pending bits plus at most 24 new ones.
    for (let i = 0; i < miniblockSize; i++) {
      acc |= (i < count ? values[from + i] : 0) << bits;
      bits += width;
      while (bits >= 8) {
        buf[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  } else {
    for (let i = 0; i < miniblockSize; i++) {
      let v = i < count ? values[from + i] : 0;
      let left = width;
      while (left > 0) {
        const take = left > 16 ? 16 : left;
        acc |= (v % (1 << take)) << bits;
        v = Math.floor(v / (1 << take));
        bits += take;
        left -= take;
        while (bits >= 8) {
          buf[pos++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
    }
  }
  out.length = pos;
}

/** DELTA_BINARY_PACKED of integers (each exact, |v| ≤ 2^51; larger ones go through BigInt). */
export function deltaBinaryPacked(out: Bytes, ints: Float64Array, count: number): void {
  let magnitude = 0;
  for (let i = 0; i < count; i++) {
    const a = ints[i] < 0 ? -ints[i] : ints[i];
    if (a > magnitude) magnitude = a;
  }
  if (magnitude > maxFastMagnitude) return deltaBinaryPackedWide(out, ints, count);
  deltaHeader(out, count, count > 0 ? ints[0] : 0);
  const shifted = scratchFloat64('shifted', blockSize);
  for (let start = 1; start < count; start += blockSize) {
    const n = Math.min(blockSize, count - start);
    let min = Infinity;
    for (let j = 0; j < n; j++) {
      const d = ints[start + j] - ints[start + j - 1];
      shifted[j] = d;
      if (d < min) min = d;
    }
    for (let j = 0; j < n; j++) shifted[j] -= min;
    out.zigzag(min);
    const used = Math.ceil(n / miniblockSize);
    const widths = [0, 0, 0, 0];
    for (let m = 0; m < used; m++) {
      let max = 0;
      const end = Math.min(n, (m + 1) * miniblockSize);
      for (let j = m * miniblockSize; j < end; j++) if (shifted[j] > max) max = shifted[j];
      widths[m] = bitWidth(max);
    }
    for (const w of widths) out.byte(w);
    for (let m = 0; m < used; m++) packMiniblock(out, shifted, m * miniblockSize, Math.min(miniblockSize, n - m * miniblockSize), widths[m]);
  }
}

/** Below this magnitude every delta and its offset from the block minimum fit a 32-bit integer. */
export const smallMagnitude = 2 ** 30;

/** The encoding's header: block size, miniblocks per block, value count, first value. */
export function deltaHeader(out: Bytes, count: number, first: number): void {
  out.uleb(blockSize);
  out.uleb(miniblocks);
  out.uleb(count);
  out.zigzag(first);
}

/** Room for one block of deltas, reused from block to block (see writeSmallBlock). */
export function smallBlockDeltas(): Int32Array {
  return scratchInt32('deltas', blockSize);
}

/**
 * Writes one block of `n` ≤ 128 deltas held as int32 in `deltas` (each within ±2^31, as the
 * deltas of integers below 2^30 are): the block minimum, each miniblock's width (that of its
 * largest offset from the minimum), then the packed miniblocks.
 */
export function writeSmallBlock(out: Bytes, deltas: Int32Array, n: number): void {
  const used = (n + miniblockSize - 1) >> 5;
  let min = 0x7fffffff;
  for (let j = 0; j < n; j++) if (deltas[j] < min) min = deltas[j];
  out.zigzag(min);
  // Padding the last miniblock with the minimum packs it as zeros, so packing never tests for the end.
  deltas.fill(min, n, used * miniblockSize);
  out.reserve(miniblocks + 4 * 32 * used);
  const buf = out.buf;
  let pos = out.length;
  const widthsAt = pos;
  for (let m = 0; m < miniblocks; m++) {
    let max = min;
    if (m < used) for (let j = m * miniblockSize, end = j + miniblockSize; j < end; j++) if (deltas[j] > max) max = deltas[j];
    // Offsets from the minimum stay below 2^32: the width comes from the unsigned 32-bit pattern.
    buf[pos++] = 32 - Math.clz32((max - min) >>> 0);
  }
  for (let m = 0; m < used; m++) pos = packMiniblock32(buf, pos, deltas, min, m * miniblockSize, buf[widthsAt + m]);
  out.length = pos;
}

/** DELTA_BINARY_PACKED of integers below 2^30 in magnitude (most logged channels), in 32-bit arithmetic. */
export function deltaBinaryPackedSmall(out: Bytes, ints: Float64Array, count: number): void {
  deltaHeader(out, count, count > 0 ? ints[0] : 0);
  const deltas = smallBlockDeltas();
  for (let start = 1; start < count; start += blockSize) {
    const n = Math.min(blockSize, count - start);
    for (let j = 0; j < n; j++) deltas[j] = ints[start + j] - ints[start + j - 1];
    writeSmallBlock(out, deltas, n);
  }
}

/**
 * Packs the 32 deltas from `from`, less `min`, at `width` bits into `buf` at `pos`, least
 * significant bit first, one little-endian 32-bit word at a time (32 values of `width` bits fill
 * exactly `width` words). Returns the position after them.
 */
function packMiniblock32(buf: Uint8Array, pos: number, deltas: Int32Array, min: number, from: number, width: number): number {
  if (width === 0) return pos;
  let word = 0;
  let bits = 0;
  for (let i = from, end = from + miniblockSize; i < end; i++) {
    const v = (deltas[i] - min) | 0;
    word |= v << bits;
    bits += width;
    if (bits >= 32) {
      buf[pos] = word;
      buf[pos + 1] = word >>> 8;
      buf[pos + 2] = word >>> 16;
      buf[pos + 3] = word >>> 24;
      pos += 4;
      bits -= 32;
      // The high `bits` bits of v did not fit the word just written.
      word = bits === 0 ? 0 : v >>> (width - bits);
    }
  }
  return pos;
}

/** The same encoding in 64-bit arithmetic, for columns with scaled integers beyond 2^51 (rare). */
function deltaBinaryPackedWide(out: Bytes, ints: Float64Array, count: number): void {
  const uleb = (v: bigint) => {
    while (v >= 0x80n) { out.byte(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    out.byte(Number(v));
  };
  const zigzag = (v: bigint) => uleb(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  uleb(BigInt(blockSize));
  uleb(BigInt(miniblocks));
  uleb(BigInt(count));
  zigzag(count > 0 ? BigInt(ints[0]) : 0n);
  for (let start = 1; start < count; start += blockSize) {
    const n = Math.min(blockSize, count - start);
    const deltas = Array.from({ length: n }, (_, j) => BigInt.asIntN(64, BigInt(ints[start + j]) - BigInt(ints[start + j - 1])));
    const min = deltas.reduce((a, b) => (b < a ? b : a));
    const shifted = deltas.map((d) => BigInt.asUintN(64, d - min));
    zigzag(min);
    const widths = [0, 0, 0, 0];
    for (let m = 0; m * miniblockSize < n; m++) {
      const max = shifted.slice(m * miniblockSize, (m + 1) * miniblockSize).reduce((a, b) => (b > a ? b : a), 0n);
      widths[m] = max === 0n ? 0 : max.toString(2).length;
    }
    for (const w of widths) out.byte(w);
    for (let m = 0; m * miniblockSize < n; m++) {
      let acc = 0n;
      let bits = 0n;
      for (let i = 0; i < miniblockSize; i++) {
        acc |= (shifted[m * miniblockSize + i] ?? 0n) << bits;
        bits += BigInt(widths[m]);
        while (bits >= 8n) { out.byte(Number(acc & 0xffn)); acc >>= 8n; bits -= 8n; }
      }
    }
  }
}

