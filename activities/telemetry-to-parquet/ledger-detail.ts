/**
 * What this kind's steps record in the unit ledger and read back from one another. Readers accept
 * the forms earlier versions of Ferry wrote too, so that a migration waiting for approval carries
 * on after the workers are upgraded.
 */
import type { LapVersions } from './source';

/**
 * One written lap as convert records it: [lap number, lap_telemetry id, row version, content
 * digest, and, when one of its arrays has an unusual header (array-headers.ts), those headers].
 */
export type ConvertedLap = readonly [number, number, string, string, Readonly<Record<string, string>>?];

type Detail = Readonly<Record<string, unknown>> | undefined;

/** The row versions backup saw, by lap_telemetry id. */
export function backupVersions(detail: Detail): Map<number, string> {
  if (Array.isArray(detail?.versions)) return new Map((detail.versions as LapVersions).map(([id, , version]) => [id, version]));
  // Before 2026-12: laps as [id, lap number, md5 of the rows, row version].
  if (Array.isArray(detail?.laps)) return new Map((detail.laps as [number, number, string, string][]).map(([id, , , version]) => [id, version]));
  return new Map();
}

/** The laps convert wrote, in file order; undefined for a convert record without digests (older Ferry). */
export function convertedLaps(detail: Detail): readonly ConvertedLap[] | undefined {
  return Array.isArray(detail?.laps) ? (detail.laps as ConvertedLap[]) : undefined;
}

/** lap_telemetry ids of the laps convert wrote. */
export function convertedLapIds(detail: Detail): number[] {
  const laps = convertedLaps(detail);
  if (laps) return laps.map(([, id]) => id);
  return Array.isArray(detail?.lapIds) ? (detail.lapIds as number[]) : [];
}

/**
 * True when convert recorded every unusual array header (since 2026-12-02), so that the lap
 * arrays can be given back from the session file (archive-from-file.ts).
 */
export function headersRecorded(detail: Detail): boolean {
  return detail?.arrayHeaders === 'recorded';
}
