/**
 * The cutover archive of a session's migrated rows, so that rollback can put them back
 * byte-identical. Two forms: `file+fields` (archive-from-file.ts: the session file plus the
 * rows' other columns; PostgreSQL reads no array again), and `rows`, used where that form's
 * conditions do not hold (see cutover.ts): the whole rows of lap_telemetry and telemetry_channels
 * as brotli'd binary COPY streams. Brotli at quality 0 compresses these streams about twice as
 * fast as gzip level 1 at a similar size (0.28 vs 0.24 of the raw stream, measured on seeded
 * telemetry); archives made with gzip by earlier versions (`.gz`) are still restored.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { inTransaction } from '../../src/db/transaction';
import { restoreFromFile } from './archive-from-file';
import { archiveQuery, hashing, idList, manifestPath, readManifest, sha256Of, writeManifest, type ArchiveManifest } from './archive-manifest';

export { readManifest, type ArchiveManifest } from './archive-manifest';

/**
 * Within the client's open transaction: archives the given lap_telemetry rows and their channel
 * rows whole, writes the manifest, then deletes the rows. The caller commits.
 */
export async function archiveRowsAndDelete(client: pg.PoolClient, dir: string, migrationId: string, sessionId: number, lapIds: readonly number[]): Promise<ArchiveManifest> {
  await mkdir(dir, { recursive: true });
  const channels = await client.query<{ id: number }>(
    `SELECT c.id FROM telemetry_channels c WHERE c.lap_id IN (SELECT lap_id FROM lap_telemetry WHERE id = ANY($1)) ORDER BY c.id FOR UPDATE`, [lapIds]);
  const channelIds = channels.rows.map((r) => r.id);
  const files = [
    await archiveQuery(client, 'lap_telemetry', `SELECT * FROM lap_telemetry WHERE id = ANY(${idList(lapIds)}) ORDER BY id`, path.join(dir, `${sessionId}.lap_telemetry.pgcopy.br`), lapIds.length),
    await archiveQuery(client, 'telemetry_channels', `SELECT * FROM telemetry_channels WHERE id = ANY(${idList(channelIds)}) ORDER BY id`, path.join(dir, `${sessionId}.telemetry_channels.pgcopy.br`), channelIds.length),
  ];
  const manifest: ArchiveManifest = { form: 'rows', sessionId, migrationId, lapTelemetryIds: lapIds, channelIds, files, createdAt: new Date().toISOString() };
  await writeManifest(dir, manifest);
  await client.query('DELETE FROM telemetry_channels WHERE id = ANY($1)', [channelIds]);
  await client.query('DELETE FROM lap_telemetry WHERE id = ANY($1)', [lapIds]);
  return manifest;
}

async function restoreRows(client: pg.PoolClient, manifest: ArchiveManifest): Promise<void> {
  for (const f of manifest.files) {
    const decompress = f.file.endsWith('.gz') ? createGunzip() : createBrotliDecompress();
    const raw = createHash('sha256');
    await pipeline(createReadStream(f.file), decompress, hashing(raw), client.query(copyStreams.from(`COPY ${f.table} FROM STDIN (FORMAT binary)`)));
    // Checked before the transaction commits: rows from a stream that decompressed wrongly never land.
    const rawSha = raw.digest('hex');
    if (rawSha !== f.rawSha256) throw new Error(`archive ${f.file} decompressed to a stream with sha256 ${rawSha}, manifest says ${f.rawSha256}`);
  }
}

/**
 * Puts archived rows back (same ids, same bytes) in one transaction, unless they are all there
 * already; then removes the archive. Returns how many lap rows it restored.
 */
export async function restoreArchive(pool: pg.Pool, dir: string, sessionId: number): Promise<{ restored: number; manifest: ArchiveManifest | null }> {
  const manifest = await readManifest(dir, sessionId);
  if (!manifest) return { restored: 0, manifest: null };
  const restored = await inTransaction(pool, async (client) => {
    const present = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM lap_telemetry WHERE id = ANY($1)', [manifest.lapTelemetryIds]);
    const n = present.rows[0].n;
    if (n === 0) {
      for (const f of manifest.files) {
        const sha = await sha256Of(f.file);
        if (sha !== f.sha256) throw new Error(`archive ${f.file} is damaged: sha256 ${sha}, manifest says ${f.sha256}`);
      }
      if (manifest.form === 'file+fields') await restoreFromFile(client, manifest);
      else await restoreRows(client, manifest);
      return manifest.lapTelemetryIds.length;
    } else if (n !== manifest.lapTelemetryIds.length) {
      throw new Error(`session ${sessionId}: ${n} of ${manifest.lapTelemetryIds.length} archived lap_telemetry rows exist; restore by hand from ${dir}`);
    }
    return 0;
  });
  for (const f of manifest.files) await rm(f.file, { force: true });
  await rm(manifestPath(dir, sessionId), { force: true });
  return { restored, manifest };
}
