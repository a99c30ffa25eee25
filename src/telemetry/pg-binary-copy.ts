/**
 * Decodes PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`): tuples of raw
 * fields, plus decoders for the field types telemetry uses (int4, int8, text, float8[]).
 */
import type { ChannelColumn } from './types';

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Yields each tuple as its fields (null for SQL NULL). Field buffers are views; copy to keep them.
 * With `reuse`, tuples that arrive in pieces are joined in one buffer kept for the next such tuple
 * (no ~1 MB allocation per lap), so a tuple's fields are valid only until the next is requested;
 * then no chunk is read after the next is asked for, so a source may reuse its chunks too.
 */
export async function* copyBinaryTuples(stream: AsyncIterable<Buffer>, { reuse = false } = {}): AsyncGenerator<(Buffer | null)[]> {
  let buf: Buffer = Buffer.alloc(0);
  // Chunks are gathered until the tuple being read is complete, then joined once: a large tuple
  // (a lap's arrays, ~1 MB) would otherwise be re-copied for every 64 KiB chunk that arrives.
  const parts: Buffer[] = [];
  let partsLength = 0;
  let need = 0;
  let headerDone = false;
  let assembly: Buffer | undefined;
  const join = (): Buffer => {
    if (!reuse) return Buffer.concat([buf, ...parts]);
    const total = buf.length + partsLength;
    if (!assembly || assembly.length < total) {
      const next = Buffer.allocUnsafe(Math.max(total, 2 * (assembly?.length ?? 0)));
      buf.copy(next, 0);
      assembly = next;
    } else if (buf.buffer === assembly.buffer) {
      assembly.copyWithin(0, buf.byteOffset - assembly.byteOffset, buf.byteOffset - assembly.byteOffset + buf.length);
    } else {
      buf.copy(assembly, 0);
    }
    let at = buf.length;
    for (const part of parts) at += part.copy(assembly, at);
    return assembly.subarray(0, total);
  };
  for await (const chunk of stream) {
    parts.push(chunk);
    partsLength += chunk.length;
    if (buf.length + partsLength < need) continue;
    buf = buf.length === 0 && parts.length === 1 ? parts[0] : join();
    parts.length = 0;
    partsLength = 0;
    let pos = 0;
    if (!headerDone) {
      if (buf.length < 19) continue;
      if (!buf.subarray(0, 11).equals(signature)) throw new Error('not a binary COPY stream');
      pos = 19 + buf.readInt32BE(15);
      headerDone = true;
    }
    need = 0;
    for (;;) {
      if (buf.length - pos < 2) { need = pos + 2; break; }
      const count = buf.readInt16BE(pos);
      if (count === -1) { pos = buf.length; break; }
      let p = pos + 2;
      const fields: (Buffer | null)[] = [];
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (buf.length - p < 4) { need = p + 4; complete = false; break; }
        const len = buf.readInt32BE(p);
        p += 4;
        if (len === -1) { fields.push(null); continue; }
        if (buf.length - p < len) { need = p + len; complete = false; break; }
        fields.push(buf.subarray(p, p + len));
        p += len;
      }
      if (!complete) break;
      pos = p;
      yield fields;
    }
    buf = buf.subarray(pos);
    // A partial tuple left in the source's chunk moves out of it (into the joined buffer) first.
    if (reuse && buf.length > 0 && buf.buffer !== assembly?.buffer) buf = join();
    need = Math.max(0, need - pos);
  }
}

export const int4 = (b: Buffer | null): number | null => (b === null ? null : b.readInt32BE(0));
/** An unsigned 4-byte field (xid, oid). */
export const uint4 = (b: Buffer | null): number | null => (b === null ? null : b.readUInt32BE(0));
export const int8 = (b: Buffer | null): number | null => (b === null ? null : Number(b.readBigInt64BE(0)));
export const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

/**
 * A float8[] field's facts, read from its header without decoding any element: element count,
 * dimensions, and its element bytes exactly as PostgreSQL sent them (per element an int32 length,
 * -1 for NULL or 8, then the float64 big-endian).
 */
export interface Float8ArrayField {
  readonly length: number;
  /** Dimensions; > 1 means a multi-dimensional array (not a telemetry channel). */
  readonly dims: number;
  /** The bytes before the elements: dimensions, NULL-bitmap flag, element type, then size and lower bound per dimension. */
  readonly header: Buffer;
  readonly elements: Uint8Array;
}

export function float8ArrayField(b: Buffer | null): Float8ArrayField | null {
  if (b === null) return null;
  const dims = b.readInt32BE(0);
  if (dims === 0) return { length: 0, dims: 1, header: b.subarray(0, 12), elements: b.subarray(12, 12) };
  let n = 1;
  for (let d = 0; d < dims; d++) n *= b.readInt32BE(12 + d * 8);
  return { length: n, dims, header: b.subarray(0, 12 + dims * 8), elements: b.subarray(12 + dims * 8) };
}

/**
 * Decodes `length` elements (binary COPY layout) into a column, into `values` when given (of
 * `length`). DataView reads are several times faster than Buffer's readDoubleBE.
 */
export function decodeFloat8Elements(elements: Uint8Array, length: number, values: Float64Array = new Float64Array(length)): ChannelColumn {
  const view = new DataView(elements.buffer, elements.byteOffset, elements.byteLength);
  let nulls: Uint8Array | undefined;
  let p = 0;
  for (let i = 0; i < length; i++) {
    const len = view.getInt32(p);
    p += 4;
    if (len === 8) {
      values[i] = view.getFloat64(p);
      p += 8;
    } else if (len === -1) {
      (nulls ??= new Uint8Array(length))[i] = 1;
    } else {
      throw new Error(`not a float8[] field: element ${i} is ${len} bytes long`);
    }
  }
  return nulls ? { values, nulls } : { values };
}

/** A float8[] field decoded: its facts and its values as a column. */
export function float8Array(b: Buffer | null): (Float8ArrayField & { readonly column: ChannelColumn }) | null {
  const field = float8ArrayField(b);
  return field && { ...field, column: decodeFloat8Elements(field.elements, field.length) };
}
