/**
 * Encodes one lap as a standalone single-row-group Parquet file through Arrow and parquet-wasm.
 * Session files take their schema from such a file (footerTemplate); their pages come from
 * lap-page-encoder.ts, which is several times faster for the same encodings.
 */
import { Table, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { lapToRecordBatch } from './lap-batch';
import { footerOf } from './parquet-footer';
import type { ThriftStruct } from './thrift-compact';
import type { ColumnPlan, LapColumns } from './types';

function writerProperties(plan: readonly ColumnPlan[]): pw.WriterProperties {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(2 ** 31 - 1)
    .setCreatedBy('ferry telemetry-to-parquet');
  for (const c of plan) {
    // Scaled integers of a smooth signal have small deltas; float bits compress best split by byte.
    b = b.setColumnDictionaryEnabled(c.name, false)
      .setColumnEncoding(c.name, c.encoding === 'decimal' ? pw.Encoding.DELTA_BINARY_PACKED : pw.Encoding.BYTE_STREAM_SPLIT);
  }
  return b.build();
}

/** Encodes one lap as a standalone single-row-group Parquet file (in memory). */
export function encodeLapFile(lap: LapColumns, plan: readonly ColumnPlan[]): Uint8Array {
  const batch = lapToRecordBatch(lap, plan);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
  return pw.writeParquet(wasmTable, writerProperties(plan));
}

/** The footer parquet-wasm writes for an empty file of `plan`: schema, Arrow schema and writer, for a session footer to take. */
export function footerTemplate(plan: readonly ColumnPlan[]): ThriftStruct {
  return footerOf(encodeLapFile({ lapNumber: 0, length: 0, channels: new Map() }, plan));
}
