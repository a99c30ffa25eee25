/**
 * Lists the configuration and the CSV files of the logs folder with sizes, line counts and
 * checksums, leaving out what is already in the database unchanged: a file whose bytes all lie in
 * ingested segments, a configuration whose canonical checksum is already a profile. A grown file is
 * listed with the offset its new lines start at. Writes nothing.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { InventoryPage, InventoryUnit, StepRun } from '../../src/engine/kind';
import { readConfigFile } from '../../src/csv-runs/config-profile';
import { scanFile } from '../../src/csv-runs/file-scan';
import { segmentsOfFile } from '../../src/csv-runs/ingest-ledger';
import { configUnitKey, csvPaths, logUnitKey } from './options';

const pageSize = 200;

export async function listLogFiles(logsDir: string): Promise<string[]> {
  if (!existsSync(logsDir)) return [];
  const names = await readdir(logsDir, { recursive: true });
  return names.filter((n) => n.toLowerCase().endsWith('.csv')).map((n) => path.join(logsDir, n)).sort();
}

export async function inventory(run: StepRun, cursor: string | undefined): Promise<InventoryPage> {
  const paths = csvPaths(run.deps.config, run.options.filters);
  const start = cursor ? Number(cursor) : 0;
  const units: InventoryUnit[] = [];
  if (start === 0 && existsSync(paths.configPath)) {
    const config = await readConfigFile(paths.configPath).catch(() => undefined);
    const known = config && (await run.deps.db.pool.query('SELECT 1 FROM public.config_profiles WHERE checksum = $1', [config.checksum])).rows.length > 0;
    if (!known) {
      units.push({ key: configUnitKey, records: 1, bytes: config?.size, detail: { path: paths.configPath, checksum: config?.checksum ?? null, fileSha256: config?.fileSha256 ?? null } });
    }
  }
  const files = await listLogFiles(paths.logsDir);
  const page = files.slice(start, start + pageSize);
  for (const file of page) {
    run.heartbeat({ inventory: file });
    const segments = await segmentsOfFile(run.deps.db.pool, file);
    const last = segments.at(-1);
    const scan = await scanFile(file, last?.toOffset);
    const fromOffset = last?.toOffset ?? 0;
    const rewritten = last !== undefined && scan.prefixSha256 !== last.prefixSha256;
    if (!rewritten && scan.completeEnd <= fromOffset) continue; // nothing new (an unfinished last line waits)
    units.push({
      key: logUnitKey(paths.logsDir, file),
      records: Math.max(0, scan.lines - (last ? last.toLine - 1 : 1)),
      bytes: scan.size - fromOffset,
      detail: {
        path: file, size: scan.size, completeEnd: scan.completeEnd, sha256: scan.sha256, lines: scan.lines,
        fromOffset, rewritten, ingestedBefore: segments.length,
      },
    });
  }
  const next = start + pageSize;
  return { units, nextCursor: next < files.length ? String(next) : undefined };
}
