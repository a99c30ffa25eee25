/** `ferry seed csv-to-runs --files N --rows M --seed S`: sample logs and a config.json in the kind's folders. */
import type { ActivityDeps } from '../deps';
import type { SeedSpec } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';
import { seedLogs } from '../../src/csv-runs/seed-logs';
import { csvPaths } from './options';

function positive(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new FerryError('BAD_OPTION', `--${name} must be a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

function rate(value: string) {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new FerryError('BAD_OPTION', `--bad-rate must be between 0 and 1, got "${value}"`);
  return n;
}

export const seed: SeedSpec = {
  flags: [
    { flag: '--files <n>', description: 'CSV files to write (default 6)', parse: positive('files') },
    { flag: '--rows <n>', description: 'data lines per file (default 1000)', parse: positive('rows') },
    { flag: '--seed <n>', description: 'random seed (default 1)', parse: positive('seed') },
    { flag: '--bad-rate <share>', description: 'share of broken lines (default 0.002)', parse: rate },
    { flag: '--logs <dir>', description: 'logs folder (default <dataDir>/csv-to-runs/logs)' },
    { flag: '--config <file>', description: 'configuration file (default <dataDir>/csv-to-runs/config.json)' },
  ],
  async run(deps: ActivityDeps, options: Readonly<Record<string, unknown>>) {
    const paths = csvPaths(deps.config, options);
    const report = await seedLogs({
      logsDir: paths.logsDir, configPath: paths.configPath,
      files: (options.files as number | undefined) ?? 6, rows: (options.rows as number | undefined) ?? 1000,
      seed: (options.seed as number | undefined) ?? 1, badRate: options.badRate as number | undefined,
    });
    return `wrote ${report.files.length} CSV files (${report.lines} data lines, ${report.broken} broken, ${report.events} events) to ${paths.logsDir} and ${paths.configPath}`;
  },
};
