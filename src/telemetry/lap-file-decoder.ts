/** Decodes one lap stored as a standalone single-row-group Parquet file (pure; a thread or inline). */
import { tableFromIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import type { LapEntry } from './file-metadata';
import { tableToLap } from './lap-batch';
import type { ColumnPlan, LapColumns } from './types';

/**
 * The lap `entry` (from the session file's metadata) out of its one-row-group file. With `reuse`,
 * the columns are scratch arrays, valid until the next lap is decoded.
 */
export function decodeLapFile(file: Uint8Array, entry: LapEntry, columns: readonly ColumnPlan[], reuse = false): LapColumns {
  const table = tableFromIPC(pw.readParquet(file, { batchSize: Math.max(1, entry.rows) }).intoIPCStream());
  if (table.numRows !== entry.rows) throw new Error(`lap ${entry.lapNumber} has ${table.numRows} rows, metadata says ${entry.rows}`);
  return tableToLap(table, entry.lapNumber, columns, new Set(entry.absent), reuse);
}
