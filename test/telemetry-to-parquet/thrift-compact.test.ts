import * as pw from 'parquet-wasm';
import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { footerOf } from '../../src/telemetry/parquet-footer';
import { T, decodeStruct, encodeStruct, getField, removeField, setField, type ThriftStruct } from '../../src/telemetry/thrift-compact';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('Thrift compact codec', () => {
  it('decodes hand-written compact bytes: short and long field deltas, zigzag ints, binary, bools', () => {
    // field 1 i32 = -3 (zigzag 5); field 2 binary "hi"; field 20 (long form) i64 = 300; field 21 bool true; stop
    const buf = bytes(0x15, 0x05, 0x18, 0x02, 0x68, 0x69, 0x06, 0x28, 0xd8, 0x04, 0x11, 0x00);
    const s = decodeStruct(buf);
    expect(s.fields.map((f) => [f.id, f.type])).toEqual([[1, T.I32], [2, T.BINARY], [20, T.I64], [21, T.TRUE]]);
    expect(getField(s, 1)!.value).toBe(-3);
    expect(new TextDecoder().decode(getField(s, 2)!.value as Uint8Array)).toBe('hi');
    expect(getField(s, 20)!.value).toBe(300n);
    expect(getField(s, 21)!.value).toBe(true);
    expect(encodeStruct(s)).toEqual(buf);
  });

  it('round-trips every value type, including lists of 15+ items, nested structs, maps and extreme i64', () => {
    const s: ThriftStruct = {
      kind: 'struct',
      fields: [
        { id: 1, type: T.BYTE, value: -128 },
        { id: 2, type: T.I16, value: -32768 },
        { id: 3, type: T.I32, value: 2147483647 },
        { id: 4, type: T.I64, value: -(2n ** 63n) },
        { id: 5, type: T.I64, value: 2n ** 63n - 1n },
        { id: 6, type: T.DOUBLE, value: -0.1 },
        { id: 7, type: T.FALSE, value: false },
        { id: 8, type: T.LIST, value: { kind: 'list', elemType: T.I32, items: Array.from({ length: 40 }, (_, i) => i * 1000 - 7), set: false } },
        { id: 9, type: T.LIST, value: { kind: 'list', elemType: T.TRUE, items: [true, false, true], set: false } },
        { id: 10, type: T.STRUCT, value: { kind: 'struct', fields: [{ id: 100, type: T.BINARY, value: bytes() }] } },
        { id: 11, type: T.MAP, value: { kind: 'map', keyType: T.I32, valueType: T.BINARY, entries: [[1, bytes(65)], [2, bytes(66, 67)]] } },
        { id: 12, type: T.MAP, value: { kind: 'map', keyType: 0, valueType: 0, entries: [] } },
      ],
    };
    const back = decodeStruct(encodeStruct(s));
    expect(back).toEqual(s);
  });

  it('writes fields in id order whatever order they were added in', () => {
    const s: ThriftStruct = { kind: 'struct', fields: [] };
    setField(s, 3, T.I32, 3);
    setField(s, 1, T.I32, 1);
    setField(s, 1, T.I64, 10n);
    expect(encodeStruct(s)).toEqual(bytes(0x16, 0x14, 0x25, 0x06, 0x00));
    removeField(s, 3);
    expect(decodeStruct(encodeStruct(s)).fields).toEqual([{ id: 1, type: T.I64, value: 10n }]);
  });

  it('re-encodes a real Parquet footer byte for byte, so footer surgery loses nothing', () => {
    const table = tableFromArrays({ a: Float64Array.from([1, 2.5, NaN]), b: Int32Array.from([1, 2, 3]) });
    const file = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')));
    const len = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
    const raw = file.subarray(file.length - 8 - len, file.length - 8);
    expect(encodeStruct(footerOf(file))).toEqual(raw);
  });

  it('refuses truncated data instead of reading past the end', () => {
    expect(() => decodeStruct(bytes(0x15))).toThrow(/unexpected end/);
  });
});
