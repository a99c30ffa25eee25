/**
 * Encodes one lap as the column chunks of one Parquet row group, written here rather than through
 * Arrow and parquet-wasm (whose per-lap conversions cost several times the encoding itself):
 * `lap_number` INT32, each decimal channel as INT64 scaled integers with DELTA_BINARY_PACKED
 * (uncompressed: the deltas of a smooth signal are already a few bits each), each Float64 channel
 * as DOUBLE with BYTE_STREAM_SPLIT and BROTLI at quality 0 (on byte-split doubles of logged signals
 * it measured ~500 MB/s at 0.45 of the size, where gzip level 1 managed 44 MB/s at 0.42; Node 20
 * has no zstd). One data page (v1) per column chunk, definition levels as RLE runs, chunk
 * statistics (min, max, null count). A channel's values come from element-values.ts (straight from
 * the bytes PostgreSQL sent) where it can, else from page-values.ts (the channel decoded); both
 * write the same bytes. The row group's offsets count from the start of the returned bytes; the
 * schema they match is the one parquet-wasm writes for the same plan (lap-encoding.ts), which the
 * session footer takes as its template.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { deltaBinaryPacked, deltaBinaryPackedSmall } from './delta-binary-packed';
import { allPresent, decimalElements, doubleElements } from './element-values';
import { Bytes } from './page-bytes';
import { decimalValues, definitionLevels, doubleValues, int32Bytes, type ChunkStats } from './page-values';
import { decodeFloat8Elements } from './pg-binary-copy';
import { isRawLap, rawLapElements, type RawLap } from './raw-lap';
import { scratchFloat64 } from './scratch-arrays';
import { T, encodeStruct, type ThriftField, type ThriftStruct } from './thrift-compact';
import { lapNumberColumn, type ChannelColumn, type ColumnPlan, type LapColumns } from './types';

const Type = { INT32: 1, INT64: 2, DOUBLE: 5 } as const;
const Encoding = { RLE: 3, DELTA_BINARY_PACKED: 5, BYTE_STREAM_SPLIT: 9 } as const;
const Codec = { UNCOMPRESSED: 0, BROTLI: 4 } as const;

const i32 = (id: number, value: number): ThriftField => ({ id, type: T.I32, value });
const i64 = (id: number, value: number): ThriftField => ({ id, type: T.I64, value: BigInt(value) });
const bin = (id: number, value: Uint8Array): ThriftField => ({ id, type: T.BINARY, value });
const struct = (id: number, fields: ThriftField[]): ThriftField => ({ id, type: T.STRUCT, value: { kind: 'struct', fields } });
const i32List = (id: number, items: number[]): ThriftField => ({ id, type: T.LIST, value: { kind: 'list', elemType: T.I32, items } });

interface ChunkSpec {
  readonly name: string;
  readonly type: number;
  readonly encoding: number;
  readonly codec: number;
  readonly nullable: boolean;
}

/**
 * The smallest brotli window holding the whole page. A reader's decoder sets up a ring buffer of
 * the window the stream declares: with brotli's default (4 MiB) parquet-wasm spent ~2 ms per lap
 * on that alone, 2.6 × the time of the whole lap otherwise; a page never refers further back than
 * its own length, so nothing is lost.
 */
const windowBits = (length: number) => Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.max(constants.BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(length + 16))));

function compressPage(raw: Uint8Array): Uint8Array {
  return brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 0, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length, [constants.BROTLI_PARAM_LGWIN]: windowBits(raw.length) },
  });
}

/** Writes one column chunk (page header + page) at `out`'s end; returns its ColumnChunk and uncompressed size. */
function writeChunk(out: Bytes, spec: ChunkSpec, length: number, body: Bytes, stats: ChunkStats): { chunk: ThriftStruct; uncompressed: number } {
  const raw = body.view();
  const page = spec.codec === Codec.BROTLI ? compressPage(raw) : raw;
  const header = encodeStruct({
    kind: 'struct',
    fields: [i32(1, 0), i32(2, raw.length), i32(3, page.length), struct(5, [i32(1, length), i32(2, spec.encoding), i32(3, Encoding.RLE), i32(4, Encoding.RLE)])],
  });
  const offset = out.length;
  out.bytes(header);
  out.bytes(page);
  const statistics: ThriftField[] = [
    ...(stats.max ? [bin(1, stats.max), bin(2, stats.min!)] : []),
    i64(3, stats.nullCount),
    ...(stats.max ? [bin(5, stats.max), bin(6, stats.min!)] : []),
  ];
  const meta: ThriftField[] = [
    i32(1, spec.type),
    i32List(2, spec.nullable ? [Encoding.RLE, spec.encoding] : [spec.encoding]),
    { id: 3, type: T.LIST, value: { kind: 'list', elemType: T.BINARY, items: [new TextEncoder().encode(spec.name)] } },
    i32(4, spec.codec),
    i64(5, length),
    i64(6, header.length + raw.length),
    i64(7, header.length + page.length),
    i64(9, offset),
    struct(12, statistics),
  ];
  return { chunk: { kind: 'struct', fields: [i64(2, offset), struct(3, meta)] }, uncompressed: header.length + raw.length };
}

// Reused from lap to lap (encoding is synchronous); the result is copied out of them.
const pagesOut = new Bytes();
const pageBody = new Bytes();

/** Starts a v1 data page body: the 4-byte length of the definition levels, then the levels. */
function writeLevels(body: Bytes, column: Pick<ChannelColumn, 'nulls'> | null, length: number, stats: ChunkStats): void {
  body.bytes(new Uint8Array(4));
  stats.nullCount = definitionLevels(body, column, length);
  new DataView(body.buf.buffer).setInt32(0, body.length - 4, true);
}

/**
 * Writes the page body of the plan's `index`-th channel into `body` (empty): from a raw lap's
 * element bytes where element-values.ts can, else from the channel decoded. False when a value
 * does not fit the decimal scale.
 */
function channelPage(body: Bytes, lap: LapColumns | RawLap, index: number, plan: ColumnPlan, stats: ChunkStats): boolean {
  const decimal = plan.encoding === 'decimal';
  const n = lap.length;
  let column: ChannelColumn | null;
  if (isRawLap(lap)) {
    const elements = rawLapElements(lap, index);
    if (elements !== null && allPresent(elements, n)) {
      writeLevels(body, {}, n, stats);
      const written = decimal ? decimalElements(body, elements, n, plan.scale, stats) : doubleElements(body, elements, n, stats);
      if (written !== 'decode') return written === 'written';
      body.length = 0;
    }
    column = elements && decodeFloat8Elements(elements, n, scratchFloat64('decoded channel', n));
  } else {
    column = lap.channels.get(plan.name) ?? null;
  }
  writeLevels(body, column, n, stats);
  if (column === null) {
    if (decimal) deltaBinaryPacked(body, new Float64Array(0), 0);
    return true;
  }
  if (!decimal) {
    doubleValues(body, column, n, stats);
    return true;
  }
  return decimalValues(body, column, n, plan.scale, stats);
}

/**
 * The lap's row group: its column chunks' bytes and the RowGroup that describes them (offsets from
 * 0); null when a value does not fit its decimal channel's scale (widenPlan tells the plan that
 * fits). A raw lap's channels are in the plan's order.
 */
export function encodeLapPages(lap: LapColumns | RawLap, plan: readonly ColumnPlan[]): { pages: Uint8Array; group: ThriftStruct } | null {
  const n = lap.length;
  const out = pagesOut;
  const body = pageBody;
  out.length = 0;
  body.length = 0;
  const chunks: ThriftStruct[] = [];
  let uncompressed = 0;
  const add = (written: { chunk: ThriftStruct; uncompressed: number }) => { chunks.push(written.chunk); uncompressed += written.uncompressed; };
  deltaBinaryPackedSmall(body, scratchFloat64('laps', n).fill(lap.lapNumber), n);
  const lapStats = n > 0 ? { min: int32Bytes(lap.lapNumber), max: int32Bytes(lap.lapNumber), nullCount: 0 } : { nullCount: 0 };
  add(writeChunk(out, { name: lapNumberColumn, type: Type.INT32, encoding: Encoding.DELTA_BINARY_PACKED, codec: Codec.UNCOMPRESSED, nullable: false }, n, body, lapStats));
  for (const [index, c] of plan.entries()) {
    body.length = 0;
    const stats: ChunkStats = { nullCount: 0 };
    if (!channelPage(body, lap, index, c, stats)) return null;
    const decimal = c.encoding === 'decimal';
    add(writeChunk(out, {
      name: c.name, nullable: true,
      type: decimal ? Type.INT64 : Type.DOUBLE,
      encoding: decimal ? Encoding.DELTA_BINARY_PACKED : Encoding.BYTE_STREAM_SPLIT,
      codec: decimal ? Codec.UNCOMPRESSED : Codec.BROTLI,
    }, n, body, stats));
  }
  const group: ThriftStruct = {
    kind: 'struct',
    fields: [
      { id: 1, type: T.LIST, value: { kind: 'list', elemType: T.STRUCT, items: chunks } },
      i64(2, uncompressed),
      i64(3, n),
      i64(5, 0),
      i64(6, out.length),
    ],
  };
  return { pages: out.view().slice(), group };
}

