/**
 * A small, generic Thrift compact-protocol codec: enough to read a Parquet footer (FileMetaData) into
 * a tree of typed fields, change a few of them (offsets, counts, key-value metadata) and write it
 * back. Unknown fields are kept as they were, so the rewrite loses nothing the writer put there.
 */

/** Compact-protocol type codes. */
export const T = {
  TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12,
} as const;

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftList | ThriftStruct | ThriftMap;
export interface ThriftField { id: number; type: number; value: ThriftValue }
export interface ThriftStruct { kind: 'struct'; fields: ThriftField[] }
export interface ThriftList { kind: 'list'; elemType: number; items: ThriftValue[]; set?: boolean }
export interface ThriftMap { kind: 'map'; keyType: number; valueType: number; entries: [ThriftValue, ThriftValue][] }

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('thrift: unexpected end of data');
    return this.buf[this.pos++];
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  bytes(n: number): Uint8Array {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readValue(r: Reader, type: number): ThriftValue {
  switch (type) {
    case T.TRUE: return true;
    case T.FALSE: return false;
    case T.BYTE: return (r.byte() << 24) >> 24;
    case T.I16:
    case T.I32: return Number(r.zigzag());
    case T.I64: return r.zigzag();
    case T.DOUBLE: return new DataView(r.bytes(8).slice().buffer).getFloat64(0, true);
    case T.BINARY: return r.bytes(Number(r.varint())).slice();
    case T.LIST:
    case T.SET: {
      const head = r.byte();
      let size = head >> 4;
      const elemType = head & 0x0f;
      if (size === 15) size = Number(r.varint());
      const items: ThriftValue[] = [];
      for (let i = 0; i < size; i++) {
        // Booleans inside a list take one byte each (1 = true).
        if (elemType === T.TRUE || elemType === T.FALSE) items.push(r.byte() === 1);
        else items.push(readValue(r, elemType));
      }
      return { kind: 'list', elemType, items, set: type === T.SET };
    }
    case T.MAP: {
      const size = Number(r.varint());
      if (size === 0) return { kind: 'map', keyType: 0, valueType: 0, entries: [] };
      const types = r.byte();
      const keyType = types >> 4;
      const valueType = types & 0x0f;
      const entries: [ThriftValue, ThriftValue][] = [];
      for (let i = 0; i < size; i++) entries.push([readValue(r, keyType), readValue(r, valueType)]);
      return { kind: 'map', keyType, valueType, entries };
    }
    case T.STRUCT: return readStruct(r);
    default: throw new Error(`thrift: unknown type ${type}`);
  }
}

function readStruct(r: Reader): ThriftStruct {
  const fields: ThriftField[] = [];
  let lastId = 0;
  for (;;) {
    const head = r.byte();
    if (head === 0) return { kind: 'struct', fields };
    const delta = head >> 4;
    const type = head & 0x0f;
    const id = delta === 0 ? Number(r.zigzag()) : lastId + delta;
    lastId = id;
    fields.push({ id, type, value: readValue(r, type) });
  }
}

/** Decodes one struct at the start of `buf`. */
export function decodeStruct(buf: Uint8Array): ThriftStruct {
  return readStruct(new Reader(buf));
}

class Writer {
  private chunks: number[] = [];
  byte(b: number): void { this.chunks.push(b & 0xff); }
  varint(v: bigint): void {
    let x = v;
    for (;;) {
      if (x < 0x80n) { this.byte(Number(x)); return; }
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
  }
  zigzag(v: bigint): void { this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))); }
  bytes(b: Uint8Array): void { for (const x of b) this.chunks.push(x); }
  result(): Uint8Array { return Uint8Array.from(this.chunks); }
}

function writeValue(w: Writer, type: number, value: ThriftValue): void {
  switch (type) {
    case T.TRUE:
    case T.FALSE: return; // carried in the field header
    case T.BYTE: w.byte(value as number); return;
    case T.I16:
    case T.I32: w.zigzag(BigInt(value as number)); return;
    case T.I64: w.zigzag(BigInt(value as bigint | number)); return;
    case T.DOUBLE: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, value as number, true);
      w.bytes(b);
      return;
    }
    case T.BINARY: {
      const b = value as Uint8Array;
      w.varint(BigInt(b.length));
      w.bytes(b);
      return;
    }
    case T.LIST:
    case T.SET: {
      const list = value as ThriftList;
      const n = list.items.length;
      if (n < 15) w.byte((n << 4) | list.elemType);
      else { w.byte(0xf0 | list.elemType); w.varint(BigInt(n)); }
      for (const item of list.items) {
        if (list.elemType === T.TRUE || list.elemType === T.FALSE) w.byte(item ? 1 : 2);
        else writeValue(w, list.elemType, item);
      }
      return;
    }
    case T.MAP: {
      const map = value as ThriftMap;
      w.varint(BigInt(map.entries.length));
      if (map.entries.length === 0) return;
      w.byte((map.keyType << 4) | map.valueType);
      for (const [k, v] of map.entries) { writeValue(w, map.keyType, k); writeValue(w, map.valueType, v); }
      return;
    }
    case T.STRUCT: writeStruct(w, value as ThriftStruct); return;
    default: throw new Error(`thrift: unknown type ${type}`);
  }
}

function writeStruct(w: Writer, s: ThriftStruct): void {
  let lastId = 0;
  for (const f of [...s.fields].sort((a, b) => a.id - b.id)) {
    const type = f.type === T.TRUE || f.type === T.FALSE ? (f.value ? T.TRUE : T.FALSE) : f.type;
    const delta = f.id - lastId;
    if (delta > 0 && delta <= 15) w.byte((delta << 4) | type);
    else { w.byte(type); w.zigzag(BigInt(f.id)); }
    lastId = f.id;
    writeValue(w, type, f.value);
  }
  w.byte(0);
}

export function encodeStruct(s: ThriftStruct): Uint8Array {
  const w = new Writer();
  writeStruct(w, s);
  return w.result();
}

export function getField(s: ThriftStruct, id: number): ThriftField | undefined {
  return s.fields.find((f) => f.id === id);
}

export function setField(s: ThriftStruct, id: number, type: number, value: ThriftValue): void {
  const existing = getField(s, id);
  if (existing) { existing.type = type; existing.value = value; } else s.fields.push({ id, type, value });
}

export function removeField(s: ThriftStruct, id: number): void {
  s.fields = s.fields.filter((f) => f.id !== id);
}
