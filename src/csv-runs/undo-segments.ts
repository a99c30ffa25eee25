/**
 * Removes what one migration ingested for one file (or its configuration), from its ledger rows, in
 * one transaction: the samples and events of its id ranges, the run when the migration created it,
 * its quarantined lines, the profile and applied event it created, and the ledger rows. Refuses
 * (and changes nothing) when another migration later appended to the same run, since deleting the
 * run would take that migration's rows with it.
 */
import type pg from 'pg';
import { inTransaction } from '../db/transaction';
import { FerryError } from '../errors';
import { segmentsOfFile, type IngestedSegment } from './ingest-ledger';

export interface UndoReport {
  readonly segments: number;
  readonly samples: number;
  readonly events: number;
  readonly runs: number;
  readonly profiles: number;
}

export async function undoSegments(pool: pg.Pool, migrationId: string, filePath: string, steps: readonly string[]): Promise<UndoReport> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`csv-to-runs:${filePath}`]);
    const all = await segmentsOfFile(client, filePath);
    const mine = all.filter((s) => s.migrationId === migrationId && steps.includes(s.step));
    const report = { segments: 0, samples: 0, events: 0, runs: 0, profiles: 0 };
    for (const segment of [...mine].reverse()) {
      const later = all.find((s) => s.migrationId !== migrationId && s.fromOffset >= segment.toOffset && s.runId === segment.runId && s.runId !== null);
      if (later) {
        throw new FerryError(
          'LATER_INGESTION',
          `"${filePath}" lines from offset ${later.fromOffset} were ingested by migration "${later.migrationId}" into the same run; roll that migration back first.`,
          { retryable: false, record: { file: filePath } },
        );
      }
      await undoOne(client, segment, report);
    }
    return report;
  });
}

async function undoOne(client: pg.PoolClient, s: IngestedSegment, report: { segments: number; samples: number; events: number; runs: number; profiles: number }): Promise<void> {
  if (s.runId !== null) {
    if (s.runCreated) {
      report.samples += (await client.query('DELETE FROM public.run_samples WHERE run_id = $1', [s.runId])).rowCount ?? 0;
      report.events += (await client.query('DELETE FROM public.logger_events WHERE run_id = $1', [s.runId])).rowCount ?? 0;
      report.runs += (await client.query('DELETE FROM public.runs WHERE id = $1', [s.runId])).rowCount ?? 0;
    } else {
      if (s.firstSampleId !== null) {
        report.samples += (await client.query('DELETE FROM public.run_samples WHERE run_id = $1 AND id BETWEEN $2 AND $3', [s.runId, s.firstSampleId, s.lastSampleId])).rowCount ?? 0;
      }
      if (s.firstEventId !== null) {
        report.events += (await client.query('DELETE FROM public.logger_events WHERE run_id = $1 AND id BETWEEN $2 AND $3', [s.runId, s.firstEventId, s.lastEventId])).rowCount ?? 0;
      }
    }
  }
  if (s.profileCreated && s.profileId !== null) {
    await client.query('DELETE FROM public.config_applied_events WHERE id = $1', [s.appliedEventId]);
    await client.query('UPDATE public.runs SET config_profile_id = NULL WHERE config_profile_id = $1', [s.profileId]);
    report.profiles += (await client.query('DELETE FROM public.config_profiles WHERE id = $1', [s.profileId])).rowCount ?? 0;
  }
  await client.query(
    'DELETE FROM ferry.quarantine WHERE migration_id = $1 AND unit_key = $2 AND line_number >= $3 AND line_number < $4',
    [s.migrationId, s.unitKey, s.fromLine, s.toLine],
  );
  await client.query('DELETE FROM ferry.csv_ingested_files WHERE id = $1', [s.id]);
  report.segments++;
}
