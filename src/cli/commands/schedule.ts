/**
 * `ferry schedule <kind> --cron …`: a Temporal Schedule (visible in the Web UI) that starts the
 * kind's migration on a cron; a run still going when the next is due makes the next one skip.
 */
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { MigrationInput } from '../../../workflows/migration-api';
import { defaultOptions } from '../../engine/step-run';
import { FerryError } from '../../errors';
import { kindAttribute, scopeAttribute } from '../../search-attributes';
import { cliKinds, openSession } from '../connect';
import type { CliContext } from '../context';
import { addKindFlags, kindValues, positiveInt } from '../flags';
import { printJson } from '../output';

export interface ScheduleRequest {
  readonly kind: string;
  readonly scope: string;
  readonly cron: string;
  readonly taskQueue: string;
  readonly filters: Record<string, unknown>;
  readonly batchSize?: number;
  readonly concurrency?: number;
}

export function scheduleIdOf(kind: string, scope: string): string {
  return `${kind}:${scope}:schedule`;
}

/** Creates (or replaces) the schedule; returns its id. */
export async function createMigrationSchedule(client: Client, request: ScheduleRequest): Promise<string> {
  const scheduleId = scheduleIdOf(request.kind, request.scope);
  const input: MigrationInput = {
    kind: request.kind,
    scope: request.scope,
    options: defaultOptions({
      filters: request.filters,
      ...(request.batchSize ? { batchSize: request.batchSize } : {}),
      throttle: { concurrency: request.concurrency ?? 2 },
    }),
  };
  const existing = client.schedule.getHandle(scheduleId);
  await existing.delete().catch(() => undefined);
  await client.schedule.create({
    scheduleId,
    spec: { cronExpressions: [request.cron] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    action: {
      type: 'startWorkflow',
      workflowType: 'migrationWorkflow',
      taskQueue: request.taskQueue,
      workflowId: `${request.kind}:${request.scope}:scheduled`,
      args: [input],
      typedSearchAttributes: [
        { key: kindAttribute, value: request.kind },
        { key: scopeAttribute, value: request.scope },
      ],
    },
  });
  return scheduleId;
}

export function registerScheduleCommand(program: Command, context: CliContext): void {
  const schedule = program.command('schedule').description('run a kind\'s migration on a cron, as a Temporal Schedule (see `ferry schedule <kind> --help`)');
  const { config, log } = context();
  for (const kind of cliKinds(config, log).values()) {
    const command = schedule
      .command(kind.id)
      .description(`schedule ${kind.id}`)
      .requiredOption('--cron <expression>', 'when to run, e.g. "0 2 * * 0" (Sundays 02:00 UTC)')
      .option('--batch-size <n>', 'units per batch', positiveInt('--batch-size'))
      .option('--concurrency <n>', 'batches in flight at once', positiveInt('--concurrency'))
      .option('--delete', 'remove the schedule instead')
      .option('--json', 'print machine-readable output');
    addKindFlags(command, kind.filterFlags);
    command.action(async (flags: Record<string, unknown>) => {
      const filters = kindValues(kind.filterFlags, flags);
      const scope = kind.scope(filters);
      const session = await openSession(config);
      try {
        if (flags.delete) {
          await session.client.schedule.getHandle(scheduleIdOf(kind.id, scope)).delete();
          process.stdout.write(`deleted schedule ${scheduleIdOf(kind.id, scope)}\n`);
          return;
        }
        if (String(flags.cron).trim().split(/\s+/).length !== 5) throw new FerryError('USAGE', `--cron "${flags.cron}" is not a five-field cron expression`);
        const id = await createMigrationSchedule(session.client, {
          kind: kind.id, scope, cron: String(flags.cron), taskQueue: config.temporal.taskQueue, filters,
          batchSize: flags.batchSize as number | undefined, concurrency: flags.concurrency as number | undefined,
        });
        if (flags.json) printJson({ scheduleId: id, kind: kind.id, scope, cron: flags.cron });
        else process.stdout.write(`schedule ${id}: ${kind.id} over ${scope} at "${flags.cron}" (overlapping runs are skipped)\n`);
      } finally {
        await session.close();
      }
    });
  }
}
