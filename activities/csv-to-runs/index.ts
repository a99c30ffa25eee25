/**
 * csv-to-runs: the extruder controller's CSV logs and config.json into runs, run_samples,
 * logger_events, config_profiles and config_applied_events. Units are the configuration and each
 * CSV file; every byte range loaded is recorded in ferry.csv_ingested_files.
 *
 * Rollback can undo: every row this migration loaded (runs it created, samples and events of its
 * id ranges, profiles and applied events it created, its quarantined lines) and the database-write
 * flag (switched off). It never has to restore files: the CSV files and config.json are only read.
 * It cannot undo: a migration's rows once a later migration appended to the same run (that one must
 * be rolled back first — the unit fails with LATER_INGESTION), and rows the application itself
 * wrote while the flag was on. The backup archive is kept.
 */
import type { KindFactory, MigrationKind } from '../../src/engine/kind';
import { convert } from './convert';
import { finishCutover } from './cutover';
import { inventory } from './inventory';
import { csvScope } from './options';
import { prepare } from './prepare';
import { rollback, rollbackGlobal } from './rollback';
import { seed } from './seed';
import { simulate } from './simulate';
import { validate } from './validate';

export function createCsvToRunsKind(): MigrationKind {
  return {
    id: 'csv-to-runs',
    title: 'Process-logger CSV history and configuration into PostgreSQL',
    rollbackNotes:
      'Deletes exactly the rows this migration loaded (runs, samples, events, profiles) and switches the database-write flag off; CSV files and config.json are never written. Refused for a file a later migration appended to.',
    filterFlags: [
      { flag: '--logs <dir>', description: 'folder of CSV logs (default <dataDir>/csv-to-runs/logs)' },
      { flag: '--config <file>', description: 'controller configuration (default <dataDir>/csv-to-runs/config.json)' },
      { flag: '--backup-dir <dir>', description: 'where the tar.gz backup goes (default <dataDir>/csv-to-runs/backups)' },
    ],
    unitsPerCall: 1,
    scope: csvScope,
    inventory,
    prepare,
    simulate,
    convert,
    validate,
    finishCutover,
    rollback,
    rollbackGlobal,
    seed,
  };
}

export const kindFactory: KindFactory = () => createCsvToRunsKind();
