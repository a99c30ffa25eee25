/**
 * Writes PostgreSQL's binary COPY format (`COPY … FROM STDIN (FORMAT binary)`): the signature
 * and header, tuples of raw fields (null for SQL NULL), the trailer.
 */
const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Signature, flags (none) and an empty header extension. */
export function copyBinaryHeader(): Buffer {
  const header = Buffer.alloc(signature.length + 8);
  signature.copy(header, 0);
  return header;
}

/** One tuple; each field is written as given (its bytes, or -1 for NULL). */
export function copyBinaryTuple(fields: readonly (Uint8Array | null)[]): Buffer {
  const size = fields.reduce((n, f) => n + 4 + (f?.length ?? 0), 2);
  const tuple = Buffer.allocUnsafe(size);
  tuple.writeInt16BE(fields.length, 0);
  let at = 2;
  for (const field of fields) {
    tuple.writeInt32BE(field === null ? -1 : field.length, at);
    at += 4;
    if (field !== null) {
      tuple.set(field, at);
      at += field.length;
    }
  }
  return tuple;
}

export function copyBinaryTrailer(): Buffer {
  return Buffer.from([0xff, 0xff]);
}
