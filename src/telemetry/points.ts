/** Converts between the app's row-shaped laps (points) and the columnar laps the files hold. */
import type { ChannelColumn, LapColumns, LapTelemetry, TelemetryPoint } from './types';

/** Points of a lap: a NULL sample (or an absent channel) leaves the key out. */
export function lapToPoints(lap: LapColumns): LapTelemetry {
  const points: TelemetryPoint[] = Array.from({ length: lap.length }, () => ({}) as TelemetryPoint);
  for (const [name, column] of lap.channels) {
    if (column === null) continue;
    for (let i = 0; i < lap.length; i++) if (!column.nulls?.[i]) points[i][name] = column.values[i];
  }
  return { lapNumber: lap.lapNumber, points };
}

/**
 * Columns of a lap from points, for `channels`. A channel no point carries is absent (NULL array);
 * a missing key in some points is a NULL sample.
 */
export function pointsToLap(lap: LapTelemetry, channels: readonly string[]): { lap: LapColumns; absent: string[] } {
  const n = lap.points.length;
  const map = new Map<string, ChannelColumn | null>();
  const absent: string[] = [];
  for (const name of channels) {
    const values = new Float64Array(n);
    let nulls: Uint8Array | undefined;
    let seen = false;
    for (let i = 0; i < n; i++) {
      const v = lap.points[i][name];
      if (v === undefined || v === null) (nulls ??= new Uint8Array(n))[i] = 1;
      else { values[i] = v; seen = true; }
    }
    if (!seen) { map.set(name, null); absent.push(name); } else map.set(name, nulls ? { values, nulls } : { values });
  }
  return { lap: { lapNumber: lap.lapNumber, length: n, channels: map }, absent };
}
