/**
 * cutover (the seed's "cleanup"): per session, in one transaction: lock the migrated lap rows,
 * check they are the row versions convert read (xmin; no pass over the arrays), archive them and
 * their channel rows, delete them. The archive keeps the arrays as the validated session file
 * (archive-from-file.ts) when convert recorded the array headers, every lap checksum is of the
 * current scheme and validate found every lap bit-identical; otherwise as whole rows (archive.ts).
 * Quarantined laps and orphaned channels are not touched. Idempotent: when the rows are already
 * gone and the manifest exists, the unit is done.
 */
import type { StepRun, UnitRow } from '../../src/engine/kind';
import type { UnitOutcome } from '../../src/engine/types';
import { isCurrentDigest } from '../../src/telemetry/lap-digest';
import { archiveRowsAndDelete, readManifest, type ArchiveManifest } from './archive';
import { archiveFromFileAndDelete, SessionFileChanged } from './archive-from-file';
import { backupVersions, convertedLapIds, convertedLaps, headersRecorded } from './ledger-detail';
import { archiveDirOf, sessionIdOf } from './options';
import { lapVersionSql } from './source';

export async function cutoverUnits(run: StepRun, units: readonly UnitRow[]): Promise<UnitOutcome[]> {
  const keys = units.map((u) => u.key);
  const [converted, backups, validated] = await Promise.all([run.ledger('convert', keys), run.ledger('backup', keys), run.ledger('validate', keys)]);
  const dir = archiveDirOf(run);
  const out: UnitOutcome[] = [];
  for (const unit of units) {
    const sessionId = sessionIdOf(unit.key);
    const conv = converted.get(unit.key);
    if (conv?.status === 'skipped') { out.push({ key: unit.key, status: 'skipped' }); continue; }
    if (conv?.status !== 'done' || validated.get(unit.key)?.status !== 'done') {
      out.push({ key: unit.key, status: 'failed', error: { code: 'NOT_VALIDATED', message: `${unit.key} has no validated file; cutover refused` } });
      continue;
    }
    const lapIds = convertedLapIds(conv.detail);
    // Unchanged since backup = same row versions (xmin) of the lap row and its channel rows, the
    // versions convert read the laps at (it checked them against backup's).
    const laps = convertedLaps(conv.detail);
    const expected = laps ? new Map(laps.map(([, id, version]) => [id, version])) : backupVersions(backups.get(unit.key)?.detail);
    const client = await run.deps.db.pool.connect();
    try {
      await client.query('BEGIN');
      const rows = await client.query<{ id: number; sum: string }>(`SELECT t.id, ${lapVersionSql} AS sum FROM lap_telemetry t WHERE t.id = ANY($1) ORDER BY t.id FOR UPDATE`, [lapIds]);
      if (rows.rowCount === 0) {
        await client.query('ROLLBACK');
        const manifest = await readManifest(dir, sessionId);
        out.push({ key: unit.key, status: 'done', detail: { archived: manifest?.lapTelemetryIds.length ?? 0, manifest: manifest ? `${dir}/${sessionId}.manifest.json` : null } });
        continue;
      }
      const changed = rows.rows.filter((r) => expected.get(r.id) !== r.sum).map((r) => r.id);
      if (changed.length > 0 || rows.rowCount !== lapIds.length) {
        await client.query('ROLLBACK');
        out.push({ key: unit.key, status: 'failed', error: { code: 'SOURCE_CHANGED', message: `session ${sessionId}: lap_telemetry rows changed since backup (ids ${changed.slice(0, 10).join(', ') || 'missing'}); run the migration again` } });
        continue;
      }
      const fromFile = laps !== undefined && headersRecorded(conv.detail) && laps.every((l) => isCurrentDigest(l[3]))
        && validated.get(unit.key)?.detail?.lapsEqualByValueOnly === undefined;
      let manifest: ArchiveManifest;
      try {
        manifest = fromFile
          ? await archiveFromFileAndDelete(client, dir, run.migrationId, sessionId, { file: String(conv.detail?.file), sha256: String(conv.detail?.sha256), laps: laps! })
          : await archiveRowsAndDelete(client, dir, run.migrationId, sessionId, lapIds);
      } catch (error) {
        if (!(error instanceof SessionFileChanged)) throw error;
        await client.query('ROLLBACK');
        out.push({ key: unit.key, status: 'failed', error: { code: 'TARGET_CHANGED', message: `session ${sessionId}: ${error.message}` } });
        continue;
      }
      await client.query('COMMIT');
      out.push({
        key: unit.key, status: 'done', recordsWritten: manifest.lapTelemetryIds.length + manifest.channelIds.length,
        checksum: manifest.files.map((f) => f.sha256).join(':'),
        detail: { archived: manifest.lapTelemetryIds.length, channels: manifest.channelIds.length, files: manifest.files.map((f) => f.file) },
      });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return out;
}
