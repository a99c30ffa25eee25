/** Whole-migration backup before anything is loaded: a tar.gz of config.json and logs/ with its SHA-256. */
import type { StepRun } from '../../src/engine/kind';
import { createBackup } from '../../src/csv-runs/backup-archive';
import { csvPaths } from './options';

export async function prepare(run: StepRun): Promise<Readonly<Record<string, unknown>>> {
  const paths = csvPaths(run.deps.config, run.options.filters);
  const manifest = await createBackup({ backupDir: paths.backupDir, migrationId: run.migrationId, logsDir: paths.logsDir, configPath: paths.configPath });
  run.deps.log.info(`csv-to-runs: backup ${manifest.archive} sha256 ${manifest.sha256}`);
  return { archive: manifest.archive, sha256: manifest.sha256, files: manifest.files.length };
}
