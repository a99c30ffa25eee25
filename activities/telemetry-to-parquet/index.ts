/**
 * Kind `telemetry-to-parquet`: lap telemetry out of PostgreSQL arrays (lap_telemetry,
 * telemetry_channels) into one Parquet file per session, `<dataDir>/telemetry/<sessionId>.parquet`.
 *
 * Rollback can undo everything it did: before cutover it removes the files this migration wrote;
 * after cutover it restores the archived rows byte-identical (same ids, same arrays) from the
 * compressed binary COPY archive and removes the archive and the files. It cannot undo changes others
 * made to the tables meanwhile (cutover refuses rows changed since backup), and it never touches
 * quarantined laps or orphaned channels, which stay in the database throughout.
 */
import type { KindFactory, MigrationKind } from '../../src/engine/kind';
import { backupUnits } from './backup';
import { convertUnits } from './convert';
import { cutoverUnits } from './cutover';
import { inventoryPage } from './inventory';
import { filtersOf, kindId, parseSessionId } from './options';
import { rollbackUnits } from './rollback';
import { seedSpec } from './seed';
import { simulateUnits } from './simulate';
import { validateUnits } from './validate';

export function createTelemetryToParquetKind(): MigrationKind {
  return {
    id: kindId,
    title: 'Lap telemetry from PostgreSQL arrays to one Parquet file per session',
    rollbackNotes: 'Before cutover: removes the files written. After cutover: restores the archived lap_telemetry and telemetry_channels rows byte-identical (same ids) and removes archive and files. Quarantined laps are never moved.',
    filterFlags: [
      { flag: '--session <ids...>', key: 'sessions', description: 'only these session ids (positive integers)', parse: (value, previous) => [...((previous as number[]) ?? []), parseSessionId(value)] },
      { flag: '--out-dir <dir>', key: 'outDir', description: 'folder for the Parquet files (default <dataDir>/telemetry)' },
    ],
    unitsPerCall: 1,
    // A session is a large unit (seconds of work): two per batch keep both batch slots busy for as
    // few as four sessions, at one activity per two sessions.
    defaultBatchSize: 2,
    scope(filters) {
      const { sessions, outDir } = filtersOf(filters);
      const base = sessions && sessions.length > 0 ? `sessions=${[...sessions].sort((a, b) => a - b).join(',')}` : 'all';
      return outDir ? `${base};out=${outDir}` : base;
    },
    inventory: inventoryPage,
    backup: backupUnits,
    simulate: simulateUnits,
    convert: convertUnits,
    validate: validateUnits,
    cutover: cutoverUnits,
    rollback: rollbackUnits,
    seed: seedSpec,
  };
}

export const kindFactory: KindFactory = () => createTelemetryToParquetKind();
