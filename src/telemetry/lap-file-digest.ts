/** A lap read back from its one-row-group file, reduced to its row count and content digest (pure). */
import type { LapEntry } from './file-metadata';
import { lapFileArrowDigest } from './lap-file-arrow-digest';
import { lapColumnsDigest } from './lap-digest';
import { decodeLapFile } from './lap-file-decoder';
import type { ColumnPlan } from './types';

export interface LapFileDigest {
  readonly lapNumber: number;
  readonly rows: number;
  readonly digest: string;
}

export function lapFileDigest(file: Uint8Array, entry: LapEntry, columns: readonly ColumnPlan[]): LapFileDigest {
  const direct = lapFileArrowDigest(file, entry, columns);
  if (direct) return { lapNumber: entry.lapNumber, ...direct };
  const lap = decodeLapFile(file, entry, columns, true);
  return { lapNumber: lap.lapNumber, rows: lap.length, digest: lapColumnsDigest(lap, columns.map((c) => c.name)) };
}
