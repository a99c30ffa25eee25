/**
 * Rebuilds a float8[] field as PostgreSQL sends it in binary COPY (header, then the elements in
 * the canonical layout of lap-digest.ts) from a column read back from a session file.
 */
import { canonicalElements } from '../../src/telemetry/lap-digest';
import type { ChannelColumn } from '../../src/telemetry/types';
import { usualArrayHeader } from './array-headers';

/** The element bytes of `length` values of `column`, in a buffer of their own. */
export function elementBytes(column: ChannelColumn, length: number): Uint8Array {
  return canonicalElements(column, length, Buffer.allocUnsafe(length * 12));
}

/** The whole field: the recorded header (base64) when there is one, else the usual header for `length`. */
export function arrayField(header: string | undefined, elements: Uint8Array, length: number): Buffer {
  return Buffer.concat([header === undefined ? usualArrayHeader(length) : Buffer.from(header, 'base64'), elements]);
}
