/**
 * Telemetry storage types, shared by the app-facing store and the migration.
 *
 * Glossary:
 * - channel: one measured signal (speed, rpm…); standard channels have fixed names, auxiliary ones
 *   come from `telemetry_channels` with any name.
 * - sample / point: the values of every channel at one instant of a lap (one Parquet row).
 * - absent channel: a lap whose array for a channel is NULL (kept apart from an array of NULLs).
 */

/** The Int32 column that numbers each row's lap (not a channel name). */
export const lapNumberColumn = 'lap_number';

export const standardChannels = ['time', 'distance', 'lat', 'long', 'speed', 'rpm', 'throttle', 'brake', 'gear', 'steering', 'glat', 'glong'] as const;
export type StandardChannel = (typeof standardChannels)[number];

/** The value of every channel at one instant; a missing key means "no value" (SQL NULL). */
export interface TelemetryPoint {
  time: number;
  distance?: number;
  lat?: number;
  long?: number;
  speed?: number;
  rpm?: number;
  throttle?: number;
  brake?: number;
  gear?: number;
  steering?: number;
  glat?: number;
  glong?: number;
  [auxChannel: string]: number | undefined;
}

export interface LapTelemetry {
  lapNumber: number;
  points: TelemetryPoint[];
}

export interface SessionTelemetry {
  sessionId: number;
  laps: LapTelemetry[];
  /** Names of channels beyond the standard ones. */
  auxiliaryChannels: string[];
  metadata: {
    importedAt: string;
    /** 'vbo' | 'bosch' | 'merged' | … */
    sourceType: string;
    channelCount: number;
    totalPoints: number;
  };
}

export interface TelemetryStorage {
  write(sessionId: number, data: SessionTelemetry): Promise<void>;
  read(sessionId: number): Promise<SessionTelemetry | null>;
  readLap(sessionId: number, lapNumber: number): Promise<LapTelemetry | null>;
  exists(sessionId: number): Promise<boolean>;
  delete(sessionId: number): Promise<void>;
}

/** One channel of one lap, columnar: `nulls[i] === 1` marks a NULL sample (its value slot is 0). */
export interface ChannelColumn {
  readonly values: Float64Array;
  readonly nulls?: Uint8Array;
}

/** One lap, columnar: what the migration streams and the Parquet layer writes as one row group. */
export interface LapColumns {
  readonly lapNumber: number;
  readonly length: number;
  /** Every channel of the session's file; `null` = the lap's array was NULL (absent channel). */
  readonly channels: ReadonlyMap<string, ChannelColumn | null>;
}

/** How a column is stored: plain Float64, or an exact decimal (scaled Int64, delta-encoded). */
export interface ColumnPlan {
  readonly name: string;
  readonly encoding: 'float64' | 'decimal';
  /** Digits after the point for 'decimal'. */
  readonly scale: number;
}

/** Session facts kept in the file's key-value metadata. */
export interface SessionFileMetadata {
  readonly sessionId: number;
  readonly importedAt: string;
  readonly sourceType: string;
  readonly auxiliaryChannels: readonly string[];
  /** Extra key-values (who wrote the file, …). */
  readonly extra?: Readonly<Record<string, string>>;
}
