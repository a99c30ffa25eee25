/** Builders of PostgreSQL binary COPY data for the telemetry tests. */

/** A float8[] field exactly as binary COPY sends it (one dimension, lower bound 1). */
export function float8Field(values: readonly (number | null)[]): Buffer {
  const present = values.filter((v) => v !== null).length;
  const b = Buffer.alloc(20 + values.length * 4 + present * 8);
  b.writeInt32BE(1, 0);
  b.writeInt32BE(values.length > present ? 1 : 0, 4);
  b.writeInt32BE(701, 8);
  b.writeInt32BE(values.length, 12);
  b.writeInt32BE(1, 16);
  let p = 20;
  for (const v of values) {
    if (v === null) { b.writeInt32BE(-1, p); p += 4; continue; }
    b.writeInt32BE(8, p);
    b.writeDoubleBE(v, p + 4);
    p += 12;
  }
  return b;
}

/** A whole binary COPY stream of `tuples` (header, tuples, trailer). */
export function copyStream(tuples: readonly (Buffer | null)[][]): Buffer {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const body = tuples.map((fields) => {
    const count = Buffer.alloc(2);
    count.writeInt16BE(fields.length);
    return Buffer.concat([count, ...fields.flatMap((f) => {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f === null ? -1 : f.length);
      return f === null ? [len] : [len, f];
    })]);
  });
  return Buffer.concat([header, ...body, Buffer.from([0xff, 0xff])]);
}

/** Values whose bits a float8 round trip must keep: signed zeros, NaN, infinities, NULL, extremes. */
export const tricky = [0, -0, 0.1 + 0.2, NaN, Infinity, -Infinity, null, 52.1234567, Number.MIN_VALUE, -1e300];
