/**
 * The content digest of a lap read back from its one-row-group file by parquet-wasm, taken from
 * the Arrow arrays parquet-wasm leaves in its WebAssembly memory (the Arrow C data interface),
 * without serialising them to IPC and parsing them again with Arrow JS: those two steps and the
 * copy into columns cost more than parquet-wasm's decoding itself. The file is still decoded by
 * parquet-wasm, independently of Ferry's encoder. Each column's name and Arrow type are checked
 * against the plan before any value is read; a lap that comes back in more than one batch is
 * left to the caller (null).
 */
import * as pw from 'parquet-wasm';
import { decimalDivisor } from './channel-encoding';
import type { LapEntry } from './file-metadata';
import { lapDigestFrom } from './lap-digest';
import { scratchUint8 } from './scratch-arrays';
import { lapNumberColumn, type ColumnPlan } from './types';

// Field offsets of the C structs in 32-bit WebAssembly (int64 counts, 32-bit pointers).
const schemaField = { format: 0, name: 4, nChildren: 24, children: 32 } as const;
const arrayField = { length: 0, nullCount: 8, offset: 16, nBuffers: 24, nChildren: 32, buffers: 40, children: 44 } as const;

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString('utf8');
}

/** Big-endian int32 8 and -1 (binary COPY's element lengths) as little-endian words. */
const lengthMark = 0x08000000;
const nullMark = 0xffffffff;
const swap32 = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
const one = new Float64Array(1);
const oneWords = new Uint32Array(one.buffer);

const expectedFormat = (c: ColumnPlan) => (c.encoding === 'decimal' ? `d:18,${c.scale}` : 'g');

/** The digest (lap-digest.ts) of the lap in `file`, or null when parquet-wasm returned it in several batches. */
export function lapFileArrowDigest(file: Uint8Array, entry: LapEntry, columns: readonly ColumnPlan[]): { rows: number; digest: string } | null {
  const stream = pw.readParquet(file, { batchSize: Math.max(1, entry.rows) }).intoFFI();
  try {
    if (stream.numArrays() !== 1) return null;
    const memory = pw.wasmMemory().buffer;
    const bytes = new Uint8Array(memory);
    const view = new DataView(memory);
    const u32 = (at: number) => view.getUint32(at, true);
    const i64 = (at: number) => Number(view.getBigInt64(at, true));
    const schema = stream.schemaAddr();
    const batch = stream.arrayAddr(0);
    const count = i64(schema + schemaField.nChildren);
    if (count !== columns.length + 1 || i64(batch + arrayField.nChildren) !== count) throw new Error(`lap ${entry.lapNumber}: ${count} columns read back, the plan has ${columns.length + 1}`);
    const rows = i64(batch + arrayField.length);
    if (rows !== entry.rows) throw new Error(`lap ${entry.lapNumber} has ${rows} rows, metadata says ${entry.rows}`);
    const childSchema = (i: number) => u32(u32(schema + schemaField.children) + i * 4);
    const childArray = (i: number) => u32(u32(batch + arrayField.children) + i * 4);
    if (cString(bytes, u32(childSchema(0) + schemaField.name)) !== lapNumberColumn) throw new Error(`lap ${entry.lapNumber}: the first column read back is not ${lapNumberColumn}`);
    const absent = new Set(entry.absent);
    const digest = lapDigestFrom(columns.length, (index) => {
      const plan = columns[index];
      const s = childSchema(index + 1);
      const name = cString(bytes, u32(s + schemaField.name));
      const format = cString(bytes, u32(s + schemaField.format));
      if (name !== plan.name || format !== expectedFormat(plan)) throw new Error(`lap ${entry.lapNumber}: column ${index + 1} read back as "${name}" (${format}), the plan says "${plan.name}" (${expectedFormat(plan)})`);
      if (absent.has(plan.name)) return null;
      const a = childArray(index + 1);
      if (i64(a + arrayField.length) !== rows || i64(a + arrayField.nBuffers) !== 2) throw new Error(`lap ${entry.lapNumber}: column "${name}" read back with an unexpected layout`);
      const offset = i64(a + arrayField.offset);
      const buffers = u32(a + arrayField.buffers);
      const validity = i64(a + arrayField.nullCount) > 0 ? u32(buffers) : 0;
      const values = u32(buffers + 4);
      const out = scratchUint8('arrow digest elements', rows * 12);
      const out32 = new Uint32Array(out.buffer, out.byteOffset, (rows * 12) >> 2);
      const wide = plan.encoding === 'decimal' ? 16 : 8;
      if (values % 4 !== 0) throw new Error(`lap ${entry.lapNumber}: column "${name}" read back unaligned`);
      // The values as little-endian 32-bit words: a float64 is (low, high), a Decimal128 (w0, w1, w2, w3).
      const words = new Uint32Array(memory, values + offset * wide, (rows * wide) >> 2);
      const step = wide >> 2;
      const divisor = plan.encoding === 'decimal' ? decimalDivisor(plan.scale) : 0;
      let w = 0; // out32 index: each element takes 3 words (1 for a NULL)
      for (let i = 0; i < rows; i++) {
        const at = offset + i;
        if (validity !== 0 && (bytes[validity + (at >> 3)] & (1 << (at & 7))) === 0) {
          out32[w++] = nullMark;
          continue;
        }
        out32[w] = lengthMark;
        let low: number;
        let high: number;
        if (divisor !== 0) {
          // The values fit the low 64 bits (precision 18); the same arithmetic as the Arrow JS
          // reader (lap-batch.ts), so both give the same float64.
          one[0] = ((words[i * step + 1] | 0) * 4294967296 + words[i * step]) / divisor;
          low = oneWords[0];
          high = oneWords[1];
        } else {
          // The float64's own bits, never through a JS number.
          low = words[i * 2];
          high = words[i * 2 + 1];
        }
        out32[w + 1] = swap32(high);
        out32[w + 2] = swap32(low);
        w += 3;
      }
      const p = w * 4;
      return { length: rows, elements: out.subarray(0, p) };
    });
    return { rows, digest };
  } finally {
    stream.free();
  }
}
