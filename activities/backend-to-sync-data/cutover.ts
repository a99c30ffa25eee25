/**
 * Cutover is a decision, not a step every run takes: only a run started with `--cutover` (after
 * validation, and approval when required) turns on the application's read switch
 * (ferry.feature_flags `backend-to-sync-data.read-sync-data`), and only after a completed run over
 * every user and entity type. Any other run (the weekly schedule's) ends here without touching it.
 * Rollback puts the switch back as it was.
 */
import type { StepRun } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';
import { readSwitchFlag, switchReadsToSyncData } from '../../src/sync-data/read-switch';
import { readFilters } from './filters';

export async function finishCutover(run: StepRun): Promise<Record<string, unknown>> {
  const filters = readFilters(run.options.filters);
  if (!filters.cutover) return { flag: readSwitchFlag, switched: false };
  if (filters.user || filters.entity) {
    throw new FerryError('CUTOVER_NEEDS_ALL_RECORDS', `migration "${run.migrationId}" covers only ${filters.entity ?? ''} ${filters.user ?? ''}; switch reads only after a run over every user and entity type`, { retryable: false });
  }
  const found = await run.deps.db.pool.query<{ status: string }>('SELECT status FROM public.migration_runs WHERE workflow_id = $1', [run.migrationId]);
  const status = found.rows[0]?.status;
  if (status !== 'completed') {
    throw new FerryError('RUN_NOT_VALIDATED', `migration "${run.migrationId}" is "${status ?? 'not recorded'}" in migration_runs, not "completed"; reads stay on the backend tables`, { retryable: false });
  }
  await switchReadsToSyncData(run.deps.db.pool, run.migrationId);
  return { flag: readSwitchFlag, switched: true };
}
