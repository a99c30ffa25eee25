/**
 * A lap as PostgreSQL sent it: each channel's float8[] element bytes (binary COPY layout) packed
 * into one buffer of its own, so that it moves to a lap thread without a copy and is digested and
 * encoded there (decoded only where needed), off the thread that reads the database.
 */
import { sourceLapDigest } from './lap-digest';
import { decodeFloat8Elements } from './pg-binary-copy';
import { scratchFloat64 } from './scratch-arrays';
import { takeBuffer } from './spare-buffers';
import type { ChannelColumn, LapColumns } from './types';

export interface RawLap {
  readonly kind: 'raw';
  readonly lapNumber: number;
  readonly length: number;
  readonly bytes: Uint8Array;
  /** Per channel of the file, in column order: [offset, byte length] in `bytes`, or null for a NULL array. */
  readonly channels: readonly (readonly [number, number] | null)[];
}

/** True for a lap as PostgreSQL sent it (undecoded), false for one given as columns. */
export function isRawLap(lap: LapColumns | RawLap): lap is RawLap {
  return 'kind' in lap && lap.kind === 'raw';
}

/** Packs the element bytes of each channel (in the file's column order; null = NULL array). */
export function packRawLap(lapNumber: number, length: number, channels: readonly (Uint8Array | null)[]): RawLap {
  const bytes = takeBuffer(channels.reduce((n, c) => n + (c?.length ?? 0), 0));
  let at = 0;
  const spans = channels.map((c) => {
    if (c === null) return null;
    bytes.set(c, at);
    at += c.length;
    return [at - c.length, c.length] as const;
  });
  return { kind: 'raw', lapNumber, length, bytes, channels: spans };
}

const elementsOf = (raw: RawLap, span: readonly [number, number]) => raw.bytes.subarray(span[0], span[0] + span[1]);

/** The element bytes of the lap's `index`-th channel (binary COPY layout), or null for a NULL array. */
export function rawLapElements(raw: RawLap, index: number): Uint8Array | null {
  const span = raw.channels[index];
  return span ? elementsOf(raw, span) : null;
}

/**
 * The lap decoded into columns named `names` (the file's column order). With `reuse`, the values
 * land in scratch arrays (scratch-arrays.ts), valid only until the next lap is decoded.
 */
export function rawLapColumns(raw: RawLap, names: readonly string[], reuse = false): LapColumns {
  const channels = new Map<string, ChannelColumn | null>();
  names.forEach((name, i) => {
    const span = raw.channels[i];
    const into = reuse ? scratchFloat64(`channel ${i}`, raw.length) : undefined;
    channels.set(name, span ? decodeFloat8Elements(elementsOf(raw, span), raw.length, into) : null);
  });
  return { lapNumber: raw.lapNumber, length: raw.length, channels };
}

/** The lap's content digest (lap-digest.ts) over the bytes as PostgreSQL sent them. */
export function rawLapDigest(raw: RawLap): string {
  return sourceLapDigest(raw.channels.map((span) => (span ? { length: raw.length, elements: elementsOf(raw, span) } : null)));
}
