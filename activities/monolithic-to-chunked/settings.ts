/**
 * The kind's options, read from the migration's filters: the store root (default
 * `<dataDir>/sessions`), the sessions to migrate (default all) and the backup retention.
 */
import path from 'node:path';
import type { FlagSpec } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';
import type { FerryConfig } from '../../src/config';
import { defaultRetentionDays } from '../../src/chunked/backup-file';
import { assertSessionId } from '../../src/chunked/session-id';

export interface KindSettings {
  readonly root: string;
  readonly sessions?: readonly string[];
  readonly retentionDays: number;
}

export function defaultRoot(config: FerryConfig): string {
  return path.join(config.dataDir, 'sessions');
}

export function settingsOf(config: FerryConfig, filters: Readonly<Record<string, unknown>>): KindSettings {
  const root = typeof filters.root === 'string' && filters.root !== '' ? path.resolve(filters.root) : defaultRoot(config);
  const sessions = Array.isArray(filters.sessions) ? filters.sessions.map((s) => assertSessionId(String(s))) : undefined;
  const retentionDays = filters.retentionDays === undefined ? defaultRetentionDays : Number(filters.retentionDays);
  if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
    throw new FerryError('BAD_OPTION', `--retention-days must be a positive number of days, got ${JSON.stringify(filters.retentionDays)}`, { retryable: false });
  }
  return { root, sessions, retentionDays };
}

function parseRetention(value: string): number {
  const days = Number(value);
  if (!Number.isFinite(days) || days <= 0) throw new FerryError('BAD_OPTION', `--retention-days must be a positive number of days, got "${value}"`, { retryable: false });
  return days;
}

export const filterFlags: readonly FlagSpec[] = [
  { flag: '--root <dir>', description: 'session store folder (default <dataDir>/sessions)', key: 'root' },
  {
    flag: '--session <ids...>',
    description: 'only these session ids (default: every legacy session)',
    key: 'sessions',
    parse: (value, previous) => [...(Array.isArray(previous) ? previous : []), assertSessionId(value)],
  },
  { flag: '--retention-days <n>', description: `days a backup is kept for rollback (default ${defaultRetentionDays})`, key: 'retentionDays', parse: parseRetention },
];
