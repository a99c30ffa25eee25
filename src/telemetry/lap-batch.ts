/**
 * Converts one lap between its columnar form and an Arrow record batch laid out by a column plan:
 * `lap_number` Int32, then one nullable column per channel (Float64 or Decimal(18, scale)).
 */
import { Decimal, Field, Float64, Int32, RecordBatch, Schema, Struct, makeData, type Data, type Table } from 'apache-arrow';
import { decimalDivisor, toDecimalWords } from './channel-encoding';
import { scratchFloat64 } from './scratch-arrays';
import { lapNumberColumn, type ChannelColumn, type ColumnPlan, type LapColumns } from './types';
const decimalPrecision = 18;

export function arrowSchemaFor(plan: readonly ColumnPlan[]): Schema {
  return new Schema([
    new Field(lapNumberColumn, new Int32(), false),
    ...plan.map((c) => new Field(c.name, c.encoding === 'decimal' ? new Decimal(c.scale, decimalPrecision, 128) : new Float64(), true)),
  ]);
}

function validityOf(column: ChannelColumn | null, length: number): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((length + 7) >> 3);
  if (column === null) return { bitmap, nullCount: length };
  let nullCount = 0;
  const { nulls } = column;
  for (let i = 0; i < length; i++) {
    if (nulls && nulls[i]) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

/** The lap as an Arrow record batch (values must already fit the plan; see widenPlan). */
export function lapToRecordBatch(lap: LapColumns, plan: readonly ColumnPlan[], schema = arrowSchemaFor(plan)): RecordBatch {
  const n = lap.length;
  const children: Data[] = [makeData({ type: new Int32(), length: n, data: new Int32Array(n).fill(lap.lapNumber) })];
  for (const c of plan) {
    const column = lap.channels.get(c.name) ?? null;
    const { bitmap, nullCount } = validityOf(column, n);
    if (c.encoding === 'decimal') {
      const type = new Decimal(c.scale, decimalPrecision, 128);
      children.push(makeData({ type, length: n, data: toDecimalWords(column, n, c.scale), nullBitmap: bitmap, nullCount }));
    } else {
      const values = column === null ? new Float64Array(n) : column.values.subarray(0, n);
      children.push(makeData({ type: new Float64(), length: n, data: values, nullBitmap: bitmap, nullCount }));
    }
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children, nullCount: 0 }));
}

/**
 * Reads the channels of one lap back from an Arrow table holding exactly that lap's rows.
 * `absent` names the channels whose source array was NULL (from the file's metadata). With
 * `reuse`, the values land in scratch arrays (scratch-arrays.ts), valid until the next lap is read.
 */
export function tableToLap(table: Table, lapNumber: number, plan: readonly ColumnPlan[], absent: ReadonlySet<string>, reuse = false): LapColumns {
  const n = table.numRows;
  const channels = new Map<string, ChannelColumn | null>();
  plan.forEach((c, index) => {
    if (absent.has(c.name)) { channels.set(c.name, null); return; }
    const values = reuse ? scratchFloat64(`column ${index}`, n) : new Float64Array(n);
    let nulls: Uint8Array | undefined;
    let row = 0;
    const divisor = c.encoding === 'decimal' ? decimalDivisor(c.scale) : 1;
    for (const data of table.getChild(c.name)!.data) {
      const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
      const off = data.offset;
      const length = data.length;
      if (c.encoding === 'decimal') {
        // Decimal128 words, little-endian; the values fit the low 64 bits (precision 18).
        const words = data.values as Uint32Array;
        for (let i = 0; i < length; i++, row++) {
          const at = off + i;
          if (bitmap && (bitmap[at >> 3] & (1 << (at & 7))) === 0) { (nulls ??= new Uint8Array(n))[row] = 1; values[row] = 0; continue; }
          values[row] = ((words[at * 4 + 1] | 0) * 4294967296 + words[at * 4]) / divisor;
        }
      } else {
        const raw = data.values as Float64Array;
        for (let i = 0; i < length; i++, row++) {
          const at = off + i;
          if (bitmap && (bitmap[at >> 3] & (1 << (at & 7))) === 0) { (nulls ??= new Uint8Array(n))[row] = 1; values[row] = 0; continue; }
          values[row] = raw[at];
        }
      }
    }
    channels.set(c.name, nulls ? { values, nulls } : { values });
  });
  return { lapNumber, length: n, channels };
}
