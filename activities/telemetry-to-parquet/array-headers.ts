/**
 * float8[] headers, for archives that keep a lap's values in its Parquet file and not as
 * PostgreSQL's bytes: almost every channel array has the usual header (one dimension, lower bound
 * 1, no NULL-bitmap flag, element type float8), which restore writes again from the element count;
 * convert records the others verbatim, so that restore gives back every array byte for byte.
 */
import type { SourceLap } from './source';

const float8Oid = 701;
const usualSize = 20;

/** The header PostgreSQL sends for a one-dimensional float8[] of `length` elements, lower bound 1, without NULLs. */
export function usualArrayHeader(length: number): Buffer {
  const header = Buffer.alloc(usualSize);
  header.writeInt32BE(1, 0);
  header.writeInt32BE(0, 4);
  header.writeInt32BE(float8Oid, 8);
  header.writeInt32BE(length, 12);
  header.writeInt32BE(1, 16);
  return header;
}

function isUsual(header: Buffer): boolean {
  return header.length === usualSize && header.readInt32BE(0) === 1 && header.readInt32BE(4) === 0
    && header.readInt32BE(8) === float8Oid && header.readInt32BE(16) === 1;
}

/** The lap's channel arrays whose header is not the usual one, by file column name (base64), or undefined. */
export function unusualArrayHeaders(source: SourceLap): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  const note = (name: string, header: Buffer) => {
    if (!isUsual(header)) (found ??= {})[name] = header.toString('base64');
  };
  for (const [name, array] of source.standard) if (array) note(name, array.header);
  for (const aux of source.aux) if (aux.data) note(aux.name, aux.data.header);
  return found;
}
