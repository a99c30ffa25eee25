/**
 * The controller's config.json as a config_profiles row: parsed, reduced to a canonical form (keys
 * sorted at every level, no whitespace) whose SHA-256 identifies the configuration whatever the
 * file's formatting. A configuration already stored (same checksum) is not stored again. Loading
 * also records a config_applied_events row (the file's modification time is when it was last
 * applied), in one transaction with the ledger row that lets rollback remove exactly both.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { FerryError } from '../errors';
import { insertSegment, segmentsOfFile, type IngestedSegment, type NewSegment } from './ingest-ledger';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface ConfigFile {
  readonly path: string;
  readonly config: Record<string, unknown>;
  readonly checksum: string;
  readonly fileSha256: string;
  readonly size: number;
  readonly mtime: Date;
  readonly profileName: string;
}

/** Reads and checks config.json; a file that is not a JSON object is a non-retryable BAD_CONFIG. */
export async function readConfigFile(file: string): Promise<ConfigFile> {
  const bytes = await readFile(file);
  const info = await stat(file);
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new FerryError('BAD_CONFIG', `"${file}" is not valid JSON (${(error as Error).message}); fix the file and retry.`, { retryable: false, record: { file } });
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new FerryError('BAD_CONFIG', `"${file}" must hold a JSON object.`, { retryable: false, record: { file } });
  }
  const record = config as Record<string, unknown>;
  const named = record.profile_name ?? record.name;
  return {
    path: file,
    config: record,
    checksum: createHash('sha256').update(canonicalJson(record)).digest('hex'),
    fileSha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    mtime: info.mtime,
    profileName: typeof named === 'string' && named.trim() !== '' ? named : path.basename(file, path.extname(file)),
  };
}

export type ConfigIngest =
  | { readonly status: 'ingested'; readonly profileId: number; readonly version: number }
  | { readonly status: 'already'; readonly segment: IngestedSegment }
  | { readonly status: 'present'; readonly profileId: number };

export async function ingestConfig(pool: pg.Pool, request: { migrationId: string; unitKey: string; path: string }): Promise<ConfigIngest> {
  const file = await readConfigFile(request.path);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`csv-to-runs:${request.path}`]);
    const mine = (await segmentsOfFile(client, request.path)).find((s) => s.migrationId === request.migrationId && s.step === 'config');
    if (mine) {
      await client.query('ROLLBACK');
      return { status: 'already', segment: mine };
    }
    // Profiles are identified by content: take the checksum's lock so two loaders cannot race.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`csv-to-runs:profile:${file.checksum}`]);
    const existing = await client.query<{ id: number }>('SELECT id FROM public.config_profiles WHERE checksum = $1', [file.checksum]);
    if (existing.rows.length > 0) {
      await client.query('ROLLBACK');
      return { status: 'present', profileId: existing.rows[0].id };
    }
    const version = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM public.config_profiles WHERE profile_name = $1', [file.profileName]);
    const profile = await client.query<{ id: number }>(
      'INSERT INTO public.config_profiles (profile_name, version, config, checksum, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [file.profileName, version.rows[0].v, JSON.stringify(file.config), file.checksum, file.mtime],
    );
    const profileId = profile.rows[0].id;
    const applied = await client.query<{ id: number }>(
      'INSERT INTO public.config_applied_events (profile_id, applied_by, applied_at) VALUES ($1, $2, $3) RETURNING id',
      [profileId, `ferry:${request.migrationId}`, file.mtime],
    );
    const segment: NewSegment = {
      migrationId: request.migrationId, unitKey: request.unitKey, step: 'config', filePath: request.path,
      fromOffset: 0, toOffset: file.size, fromLine: 1, toLine: 1, fileSize: file.size, prefixSha256: file.fileSha256, header: [],
      linesIngested: 0, samples: 0, events: 0, rejected: 0, runId: null, runCreated: false, firstSampleId: null, lastSampleId: null,
      firstEventId: null, lastEventId: null, profileId, profileCreated: true, appliedEventId: applied.rows[0].id,
      samplesSha256: null, eventsSha256: file.checksum,
    };
    await insertSegment(client, segment);
    await client.query('COMMIT');
    return { status: 'ingested', profileId, version: version.rows[0].v };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
