/**
 * Parquet footer surgery: moves a row group written by one writer into another file (fixing its
 * offsets) and writes a footer over many such row groups. This is how the session writer gets
 * exactly one row group per lap, and how the reader reads one lap without loading the whole file.
 * Field ids follow parquet-format's parquet.thrift (FileMetaData, RowGroup, ColumnChunk, ColumnMetaData).
 */
import { T, decodeStruct, encodeStruct, getField, removeField, setField, type ThriftList, type ThriftStruct } from './thrift-compact';

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

const FMD = { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValue: 5, createdBy: 6 } as const;
const RG = { columns: 1, totalByteSize: 2, numRows: 3, fileOffset: 5, totalCompressed: 6, ordinal: 7 } as const;
const CC = { fileOffset: 2, meta: 3, offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7 } as const;
const CMD = { totalCompressed: 7, dataPageOffset: 9, indexPageOffset: 10, dictionaryPageOffset: 11, bloomOffset: 14, bloomLength: 15 } as const;

/** Decodes the footer of a whole Parquet file held in memory. */
export function footerOf(bytes: Uint8Array): ThriftStruct {
  const n = bytes.length;
  if (n < 12 || !isMagic(bytes, 0) || !isMagic(bytes, n - 4)) throw new Error('not a Parquet file (missing PAR1 magic)');
  const len = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  return decodeStruct(bytes.subarray(n - 8 - len, n - 8));
}

export function isMagic(bytes: Uint8Array, at: number): boolean {
  return MAGIC.every((b, i) => bytes[at + i] === b);
}

export function rowGroupsOf(meta: ThriftStruct): ThriftStruct[] {
  const field = getField(meta, FMD.rowGroups);
  return field ? ((field.value as ThriftList).items as ThriftStruct[]) : [];
}

export function numRowsOf(group: ThriftStruct): number {
  return Number(getField(group, RG.numRows)!.value as bigint);
}

/** The byte range [start, end) of a row group's column chunks (pages only, no page index). */
export function rowGroupRange(group: ThriftStruct): { start: number; end: number } {
  let start = Infinity;
  let end = 0;
  for (const chunk of (getField(group, RG.columns)!.value as ThriftList).items as ThriftStruct[]) {
    const meta = getField(chunk, CC.meta)!.value as ThriftStruct;
    const dict = getField(meta, CMD.dictionaryPageOffset);
    const data = Number(getField(meta, CMD.dataPageOffset)!.value as bigint);
    const first = dict && Number(dict.value as bigint) > 0 ? Math.min(Number(dict.value as bigint), data) : data;
    const size = Number(getField(meta, CMD.totalCompressed)!.value as bigint);
    start = Math.min(start, first);
    end = Math.max(end, first + size);
  }
  return { start, end };
}

/** Shifts every offset of a row group by `delta` bytes and drops page-index references (not copied). */
export function relocateRowGroup(group: ThriftStruct, delta: number, ordinal: number): ThriftStruct {
  const shift = (s: ThriftStruct, id: number) => {
    const f = getField(s, id);
    if (f) f.value = BigInt(f.value as bigint) + BigInt(delta);
  };
  for (const chunk of (getField(group, RG.columns)!.value as ThriftList).items as ThriftStruct[]) {
    shift(chunk, CC.fileOffset);
    for (const id of [CC.offsetIndexOffset, CC.offsetIndexLength, CC.columnIndexOffset, CC.columnIndexLength]) removeField(chunk, id);
    const meta = getField(chunk, CC.meta)!.value as ThriftStruct;
    shift(meta, CMD.dataPageOffset);
    shift(meta, CMD.indexPageOffset);
    shift(meta, CMD.dictionaryPageOffset);
    removeField(meta, CMD.bloomOffset);
    removeField(meta, CMD.bloomLength);
  }
  shift(group, RG.fileOffset);
  setField(group, RG.ordinal, T.I16, ordinal);
  return group;
}

/** Key-value metadata of a footer as a Map. */
export function keyValueOf(meta: ThriftStruct): Map<string, string> {
  const out = new Map<string, string>();
  const field = getField(meta, FMD.keyValue);
  if (!field) return out;
  const dec = new TextDecoder();
  for (const kv of (field.value as ThriftList).items as ThriftStruct[]) {
    const key = dec.decode(getField(kv, 1)!.value as Uint8Array);
    const value = getField(kv, 2);
    out.set(key, value ? dec.decode(value.value as Uint8Array) : '');
  }
  return out;
}

/**
 * Footer bytes (metadata, its length, magic) for `groups`, taking schema and writer facts from
 * `template` (the footer of a file written with the same schema) and adding `extra` key-values.
 */
export function buildFooter(template: ThriftStruct, groups: ThriftStruct[], extra: ReadonlyMap<string, string>): Uint8Array {
  const meta: ThriftStruct = { kind: 'struct', fields: template.fields.map((f) => ({ ...f })) };
  const total = groups.reduce((sum, g) => sum + BigInt(getField(g, RG.numRows)!.value as bigint), 0n);
  setField(meta, FMD.numRows, T.I64, total);
  setField(meta, FMD.rowGroups, T.LIST, { kind: 'list', elemType: T.STRUCT, items: groups });
  const kv = keyValueOf(template);
  for (const [k, v] of extra) kv.set(k, v);
  const enc = new TextEncoder();
  setField(meta, FMD.keyValue, T.LIST, {
    kind: 'list',
    elemType: T.STRUCT,
    items: [...kv].map(([k, v]) => ({ kind: 'struct', fields: [{ id: 1, type: T.BINARY, value: enc.encode(k) }, { id: 2, type: T.BINARY, value: enc.encode(v) }] })),
  });
  const body = encodeStruct(meta);
  const out = new Uint8Array(body.length + 8);
  out.set(body, 0);
  new DataView(out.buffer).setUint32(body.length, body.length, true);
  out.set(MAGIC, body.length + 4);
  return out;
}
