/** The key-value metadata a session file carries (names and parsing in one place). */
import type { ColumnPlan } from './types';

export const metaKeys = {
  formatVersion: 'telemetry.format_version',
  sessionId: 'telemetry.session_id',
  importedAt: 'telemetry.imported_at',
  sourceType: 'telemetry.source_type',
  channelCount: 'telemetry.channel_count',
  totalPoints: 'telemetry.total_points',
  auxiliaryChannels: 'telemetry.auxiliary_channels',
  /** JSON [{name, encoding, scale}]: how each channel column is stored (decimal = exact scaled integers). */
  columns: 'telemetry.columns',
  /** JSON [[lapNumber, rows, [absent channels]]], in row-group order: one row group per lap. */
  laps: 'telemetry.laps',
} as const;

export const formatVersion = '1';

export interface LapEntry {
  readonly lapNumber: number;
  readonly rows: number;
  readonly absent: readonly string[];
}

export interface SessionFileInfo {
  readonly sessionId: number;
  readonly importedAt: string;
  readonly sourceType: string;
  readonly channelCount: number;
  readonly totalPoints: number;
  readonly auxiliaryChannels: readonly string[];
  readonly columns: readonly ColumnPlan[];
  readonly laps: readonly LapEntry[];
  /** Every key-value pair, including the ones above and any extra the writer added. */
  readonly keyValue: ReadonlyMap<string, string>;
}

export function encodeLaps(laps: readonly LapEntry[]): string {
  return JSON.stringify(laps.map((l) => [l.lapNumber, l.rows, l.absent]));
}

export function parseFileInfo(kv: ReadonlyMap<string, string>, where: string): SessionFileInfo {
  const need = (key: string) => {
    const value = kv.get(key);
    if (value === undefined) throw new Error(`${where}: metadata key "${key}" is missing; not a telemetry session file`);
    return value;
  };
  const laps = (JSON.parse(need(metaKeys.laps)) as [number, number, string[]][]).map(([lapNumber, rows, absent]) => ({ lapNumber, rows, absent }));
  return {
    sessionId: Number(need(metaKeys.sessionId)),
    importedAt: need(metaKeys.importedAt),
    sourceType: need(metaKeys.sourceType),
    channelCount: Number(need(metaKeys.channelCount)),
    totalPoints: Number(need(metaKeys.totalPoints)),
    auxiliaryChannels: JSON.parse(need(metaKeys.auxiliaryChannels)) as string[],
    columns: JSON.parse(need(metaKeys.columns)) as ColumnPlan[],
    laps,
    keyValue: kv,
  };
}
