/**
 * backend-to-sync-data: the music-practice app's backend tables (logbook_entries, goals,
 * practice_sessions) into one sync_data table, idempotent by checksum, incremental by watermark
 * (migration_runs), and reversible run by run.
 *
 * Rollback can undo: every sync_data row a run created (deleted again), updated or marked deleted
 * (data, checksum, version and timestamps put back exactly, from ferry.sync_data_history), and the
 * read switch (back to how it was before cutover). The run stays in migration_runs as 'rolled-back'.
 * Rollback cannot undo: rows a later run changed again (that unit is reported failed — roll back
 * the later run first); the backend tables are never written, so there is nothing to undo there;
 * sync_data's id sequence keeps the values it handed out; quarantine entries stay as the record.
 */
import type { KindFactory, MigrationKind } from '../../src/engine/kind';
import { convert } from './convert';
import { finishCutover } from './cutover';
import { filterFlags, scopeOf } from './filters';
import { inventory } from './inventory';
import { prepare } from './prepare';
import { rollback } from './rollback';
import { restoreReadSwitch } from '../../src/sync-data/read-switch';
import { markRun } from '../../src/sync-data/migration-runs';
import { seed } from './seed';
import { simulate } from './simulate';
import { validate } from './validate';

export const kindId = 'backend-to-sync-data';

export function createBackendToSyncDataKind(): MigrationKind {
  return {
    id: kindId,
    title: 'Backend tables → sync_data',
    rollbackNotes: 'Restores sync_data exactly as it was before the run (created rows removed, updated/deleted-marked rows put back) and the read switch; refuses rows a later run changed again. Backend tables are never written.',
    filterFlags,
    unitsPerCall: 10,
    scope: scopeOf,
    inventory,
    prepare,
    simulate,
    convert,
    validate,
    finishCutover,
    rollback,
    async rollbackGlobal(run, step) {
      if (step === 'finish-cutover') await restoreReadSwitch(run.deps.db.pool, run.migrationId);
      else await markRun(run.deps.db.pool, run.migrationId, 'rolled-back');
    },
    seed,
  };
}

export const kindFactory: KindFactory = () => createBackendToSyncDataKind();
