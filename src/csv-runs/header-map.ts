/**
 * Maps a logger CSV header onto run_samples / logger_events columns by name, whatever the logger
 * version: names are compared case-insensitively with punctuation dropped and "%" read as "pct",
 * so `PWR_Z1_%`, `pwr_z1_pct` and `Pwr Z1 %` are the same column. Unknown columns are reported and
 * ignored; a header without a timestamp (or naming one column twice) cannot be ingested.
 */
import { FerryError } from '../errors';

/** The numeric reading columns of run_samples, in table order. */
export const readingColumns = [
  't1_feed', 't2_mid', 't3_nozzle', 't_motor', 'target_z1', 'target_z2', 'pwr_z1_pct', 'pwr_z2_pct', 'rpm_main', 'rpm_feed',
] as const;
export type ReadingColumn = (typeof readingColumns)[number];

/** The columns of a run_samples row as the loader writes it and validation reads it back. */
export const sampleColumns = ['run_id', 'recorded_at', ...readingColumns].join(', ');
export type TargetColumn = 'recorded_at' | ReadingColumn | 'level' | 'message';

const aliases: Readonly<Record<string, TargetColumn>> = {
  timestamp: 'recorded_at', time: 'recorded_at', datetime: 'recorded_at', ts: 'recorded_at', recordedat: 'recorded_at',
  t1feed: 't1_feed', t1: 't1_feed', tfeed: 't1_feed',
  t2mid: 't2_mid', t2: 't2_mid', tmid: 't2_mid',
  t3nozzle: 't3_nozzle', t3: 't3_nozzle', tnozzle: 't3_nozzle',
  tmotor: 't_motor', motortemp: 't_motor', tmot: 't_motor',
  targetz1: 'target_z1', setz1: 'target_z1', setpointz1: 'target_z1',
  targetz2: 'target_z2', setz2: 'target_z2', setpointz2: 'target_z2',
  pwrz1pct: 'pwr_z1_pct', pwrz1: 'pwr_z1_pct', powerz1pct: 'pwr_z1_pct', powerz1: 'pwr_z1_pct',
  pwrz2pct: 'pwr_z2_pct', pwrz2: 'pwr_z2_pct', powerz2pct: 'pwr_z2_pct', powerz2: 'pwr_z2_pct',
  rpmmain: 'rpm_main', rpm: 'rpm_main', mainrpm: 'rpm_main',
  rpmfeed: 'rpm_feed', feedrpm: 'rpm_feed',
  eventlevel: 'level', level: 'level', severity: 'level',
  eventmessage: 'message', message: 'message', event: 'message', msg: 'message',
};

export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase().replace(/%/g, 'pct').replace(/[^a-z0-9]/g, '');
}

export interface HeaderMap {
  /** The header fields as written. */
  readonly fields: readonly string[];
  /** Field index of the timestamp. */
  readonly timestamp: number;
  /** Field index of each reading column, -1 when the file has no such column (stored as NULL). */
  readonly readings: readonly number[];
  readonly level: number;
  readonly message: number;
  /** Header fields that map to nothing (ignored). */
  readonly ignored: readonly string[];
}

/** Builds the column mapping of a header; throws a non-retryable BAD_HEADER naming the file. */
export function mapHeader(fields: readonly string[], file: string): HeaderMap {
  const found = new Map<TargetColumn, number>();
  const ignored: string[] = [];
  fields.forEach((field, index) => {
    const target = aliases[normalizeHeaderName(field)];
    if (!target) {
      if (field.trim() !== '') ignored.push(field);
      return;
    }
    if (found.has(target)) {
      throw new FerryError('BAD_HEADER', `"${file}": header names column "${target}" twice ("${fields[found.get(target)!]}" and "${field}"); fix the header line.`, { record: { file, line: 1 } });
    }
    found.set(target, index);
  });
  const timestamp = found.get('recorded_at');
  if (timestamp === undefined) {
    throw new FerryError('BAD_HEADER', `"${file}": header has no timestamp column (got ${JSON.stringify(fields)}); expected one named "Timestamp".`, { record: { file, line: 1 } });
  }
  return {
    fields: [...fields],
    timestamp,
    readings: readingColumns.map((column) => found.get(column) ?? -1),
    level: found.get('level') ?? -1,
    message: found.get('message') ?? -1,
    ignored,
  };
}
