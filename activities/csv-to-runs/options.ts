/** Where a csv-to-runs migration reads and writes, from its filters (defaults under the data folder). */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FerryConfig } from '../../src/config';

export interface CsvPaths {
  readonly logsDir: string;
  readonly configPath: string;
  readonly backupDir: string;
}

export function csvPaths(config: FerryConfig, filters: Readonly<Record<string, unknown>>): CsvPaths {
  const base = path.join(config.dataDir, 'csv-to-runs');
  const pick = (key: string, fallback: string) => path.resolve(typeof filters[key] === 'string' && filters[key] !== '' ? (filters[key] as string) : fallback);
  return {
    logsDir: pick('logs', path.join(base, 'logs')),
    configPath: pick('config', path.join(base, 'config.json')),
    backupDir: pick('backupDir', path.join(base, 'backups')),
  };
}

/** "all" for the default folders, else a short stable name of the folders chosen. */
export function csvScope(filters: Readonly<Record<string, unknown>>): string {
  const chosen = ['logs', 'config'].filter((k) => typeof filters[k] === 'string' && filters[k] !== '').map((k) => `${k}=${path.resolve(filters[k] as string)}`);
  if (chosen.length === 0) return 'all';
  return `files-${createHash('sha256').update(chosen.join('\n')).digest('hex').slice(0, 10)}`;
}

export const configUnitKey = 'config.json';

/** The unit key of a log file: its path inside the logs folder. */
export function logUnitKey(logsDir: string, file: string): string {
  return `logs/${path.relative(logsDir, file).split(path.sep).join('/')}`;
}

export function fileOfUnit(paths: CsvPaths, key: string): string {
  return key === configUnitKey ? paths.configPath : path.join(paths.logsDir, ...key.slice('logs/'.length).split('/'));
}
