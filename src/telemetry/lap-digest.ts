/**
 * A lap's content digest in one canonical form that both ends of a migration can compute: the
 * source side from the float8[] fields PostgreSQL sent (their element bytes, untouched), the file
 * side from a lap read back out of Parquet. Equal digests mean every channel has the same NULL-ness
 * and the same elements bit for bit (NULL elements, NaN payloads, -0 and ±Infinity included).
 *
 * Canonical form, per channel in the file's column order: 0x00 for a NULL array; else 0x01, the
 * element count (int32 BE), then each element as binary COPY sends it: int32 BE -1 for NULL, else
 * int32 BE 8 and the float64 big-endian.
 */
import { createHash, type Hash } from 'node:crypto';
import { scratchUint8 } from './scratch-arrays';
import type { LapColumns } from './types';

/** One channel of a source lap: its element count and element bytes (binary COPY layout). */
export interface SourceChannelBytes {
  readonly length: number;
  readonly elements: Uint8Array;
}

const absentTag = new Uint8Array([0]);

function presentTag(length: number): Uint8Array {
  const tag = new Uint8Array(5);
  tag[0] = 1;
  new DataView(tag.buffer).setInt32(1, length);
  return tag;
}

/** Digest of a source lap: `channels` in the file's column order, null for a NULL array. */
export function sourceLapDigest(channels: readonly (SourceChannelBytes | null)[]): string {
  const hash = createHash('sha256');
  for (const c of channels) {
    if (c === null) { hash.update(absentTag); continue; }
    hash.update(presentTag(c.length));
    hash.update(c.elements);
  }
  return hash.digest('hex');
}

function updateWithElements(hash: Hash, values: Float64Array, nulls: Uint8Array | undefined, length: number): void {
  const bytes = scratchUint8('digest elements', length * 12);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  for (let i = 0; i < length; i++) {
    if (nulls && nulls[i]) { view.setInt32(p, -1); p += 4; continue; }
    view.setInt32(p, 8);
    view.setFloat64(p + 4, values[i]);
    p += 12;
  }
  hash.update(bytes.subarray(0, p));
}

/** Digest of a lap held as columns (read back from a file), over `names` in the file's column order. */
export function lapColumnsDigest(lap: LapColumns, names: readonly string[]): string {
  const hash = createHash('sha256');
  for (const name of names) {
    const column = lap.channels.get(name) ?? null;
    if (column === null) { hash.update(absentTag); continue; }
    hash.update(presentTag(lap.length));
    updateWithElements(hash, column.values, column.nulls, lap.length);
  }
  return hash.digest('hex');
}
