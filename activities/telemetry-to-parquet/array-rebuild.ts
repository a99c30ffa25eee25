/**
 * Rebuilds a float8[] field as PostgreSQL sends it in binary COPY (header, then per element an
 * int32 length, -1 for NULL or 8, then the float64 big-endian) from a column read back from a
 * session file. The value bytes are copied, never passed through a JS number, so NaN payloads
 * survive.
 */
import type { ChannelColumn } from '../../src/telemetry/types';
import { usualArrayHeader } from './array-headers';

/** The element bytes of `length` values of `column`. */
export function elementBytes(column: ChannelColumn, length: number): Buffer {
  const nulls = column.nulls;
  let present = length;
  if (nulls) for (let i = 0; i < length; i++) present -= nulls[i];
  const out = Buffer.allocUnsafe(present * 12 + (length - present) * 4);
  const values = new Uint8Array(column.values.buffer, column.values.byteOffset, length * 8);
  let at = 0;
  for (let i = 0; i < length; i++) {
    if (nulls && nulls[i]) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    out.writeInt32BE(8, at);
    // Float64Array holds little-endian bytes on every platform Node runs on; COPY wants big-endian.
    const v = i * 8;
    for (let b = 0; b < 8; b++) out[at + 4 + b] = values[v + 7 - b];
    at += 12;
  }
  return out;
}

/** The whole field: the recorded header (base64) when there is one, else the usual header for `length`. */
export function arrayField(header: string | undefined, elements: Buffer, length: number): Buffer {
  return Buffer.concat([header === undefined ? usualArrayHeader(length) : Buffer.from(header, 'base64'), elements]);
}
