/**
 * monolithic-to-chunked's own commands: `ferry cleanup-backups` (now, or as a Schedule) and
 * `ferry migrate-one monolithic-to-chunked <sessionId>` (the on-demand strategy).
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import path from 'node:path';
import { defaultRoot } from '../../../activities/monolithic-to-chunked/settings';
import { cleanupBackups, parseAge } from '../../chunked/cleanup-backups';
import { migrateOne } from '../../chunked/migrate-one';
import { FerryError } from '../../errors';
import { lazyDeps, openSession } from '../connect';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerSessionBackupCommands(program: Command, context: CliContext): void {
  program
    .command('cleanup-backups')
    .description('remove monolithic-to-chunked session backups older than an age (never one a running migration needs)')
    .requiredOption('--older-than <age>', 'e.g. 30d or 12h')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--root <dir>', 'session store root (default <dataDir>/sessions)')
    .option('--schedule <cron>', 'instead of now: create a Temporal Schedule that runs this clean-up on a cron')
    .option('--json', 'print machine-readable output')
    .action(async (flags: { olderThan: string; dryRun?: boolean; root?: string; schedule?: string; json?: boolean }) => {
      const { config, log } = context();
      const olderThanDays = parseAge(flags.olderThan);
      const root = flags.root ? path.resolve(flags.root) : defaultRoot(config);
      if (flags.schedule) {
        const session = await openSession(config);
        try {
          const scheduleId = 'cleanup-backups:schedule';
          await session.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
          await session.client.schedule.create({
            scheduleId,
            spec: { cronExpressions: [flags.schedule] },
            policies: { overlap: ScheduleOverlapPolicy.SKIP },
            action: { type: 'startWorkflow', workflowType: 'cleanupBackupsWorkflow', taskQueue: config.temporal.taskQueue, workflowId: 'cleanup-backups:scheduled', args: [{ root, olderThanDays, dryRun: Boolean(flags.dryRun) }] },
          });
          process.stdout.write(`schedule ${scheduleId}: clean-up of backups older than ${flags.olderThan} at "${flags.schedule}"\n`);
        } finally {
          await session.close();
        }
        return;
      }
      const deps = lazyDeps(config, log);
      try {
        const result = await cleanupBackups(deps.db.pool, { root, olderThanDays, dryRun: Boolean(flags.dryRun) });
        if (flags.json) return printJson(result);
        const verb = result.dryRun ? 'would remove' : 'removed';
        process.stdout.write(`${verb} ${result.removed.length} backup(s); kept ${result.kept.length} still needed; ${result.young} younger than ${flags.olderThan}\n`);
        for (const file of result.removed) process.stdout.write(`  ${verb}: ${file}\n`);
        for (const kept of result.kept) process.stdout.write(`  kept: ${kept.file} (${kept.reason})\n`);
      } finally {
        await deps.close();
      }
    });

  program
    .command('migrate-one <kind> <sessionId>')
    .description('migrate one session now (on-demand strategy; safe when two callers ask at once)')
    .option('--root <dir>', 'session store root (default <dataDir>/sessions)')
    .option('--retention-days <n>', 'keep the backup this many days', (v) => Number(v), 30)
    .option('--json', 'print machine-readable output')
    .action(async (kind: string, sessionId: string, flags: { root?: string; retentionDays: number; json?: boolean }) => {
      if (kind !== 'monolithic-to-chunked') throw new FerryError('USAGE', `migrate-one supports the kind monolithic-to-chunked only, not "${kind}"`);
      const { config, log } = context();
      const deps = lazyDeps(config, log);
      try {
        const result = await migrateOne({ pool: deps.db.pool, root: flags.root ? path.resolve(flags.root) : defaultRoot(config), retentionDays: flags.retentionDays }, sessionId);
        if (flags.json) printJson(result);
        else process.stdout.write(`${sessionId}: ${JSON.stringify(result)}\n`);
      } finally {
        await deps.close();
      }
    });
}
