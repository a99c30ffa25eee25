/** `ferry start <kind> …`: starts a migration (one subcommand per kind, with its own flags). */
import { Option, type Command } from 'commander';
import { startMigration } from '../../engine/client';
import type { MigrationOptions } from '../../engine/types';
import { cliKinds, openSession } from '../connect';
import type { CliContext } from '../context';
import { addKindFlags, kindValues, positiveInt, positiveNumber } from '../flags';
import { printJson } from '../output';
import { watchMigration } from './watch';

/** Units per batch for kinds that name no default of their own. */
const defaultBatchSize = 10;

export function registerStartCommand(program: Command, context: CliContext): void {
  const start = program.command('start').description('start a migration of one kind (see `ferry start <kind> --help`)');
  const { config, log } = context();
  for (const kind of cliKinds(config, log).values()) {
    const command = start
      .command(kind.id)
      .description(kind.title)
      .option('--dry-run', 'inventory and a full simulation, writing nothing')
      .option('--batch-size <n>', 'units per batch (one activity)', positiveInt('--batch-size'), kind.defaultBatchSize ?? defaultBatchSize)
      .option('--concurrency <n>', 'batches in flight at once', positiveInt('--concurrency'), 2)
      .option('--rate <units-per-second>', 'cap on units started per second', positiveNumber('--rate'))
      .option('--require-approval', 'wait for `ferry approve` before cutover')
      .addOption(new Option('--on-failure <policy>', 'when a unit fails: pause for a decision, or roll back').choices(['pause', 'rollback']).default('pause'))
      .option('--rollback-window <seconds>', 'keep the workflow open this long after cutover for a rollback signal', positiveInt('--rollback-window'))
      .option('--attach', 'if the same migration is running, follow it instead of refusing')
      .option('--watch', 'follow progress until the migration ends or pauses')
      .option('--json', 'print machine-readable output');
    addKindFlags(command, kind.filterFlags);
    command.action(async (flags: Record<string, unknown>) => {
      const filters = kindValues(kind.filterFlags, flags);
      const options: MigrationOptions = {
        dryRun: Boolean(flags.dryRun),
        batchSize: flags.batchSize as number,
        throttle: { concurrency: flags.concurrency as number, unitsPerSecond: flags.rate as number | undefined },
        requireApproval: Boolean(flags.requireApproval),
        onFailure: flags.onFailure as 'pause' | 'rollback',
        filters,
        rollbackWindowSeconds: flags.rollbackWindow as number | undefined,
      };
      const session = await openSession(config);
      try {
        const scope = kind.scope(filters);
        const handle = await startMigration(session.client, { kind: kind.id, scope, options, taskQueue: config.temporal.taskQueue, attach: Boolean(flags.attach) });
        if (flags.json) printJson({ workflowId: handle.workflowId, kind: kind.id, scope, options });
        else process.stdout.write(`started ${handle.workflowId}\n${session.endpoints.uiUrl ? `  ${session.endpoints.uiUrl}/namespaces/${session.endpoints.namespace}/workflows/${encodeURIComponent(handle.workflowId)}\n` : ''}`);
        if (flags.watch) process.exitCode = await watchMigration(session.client, handle.workflowId, Boolean(flags.json));
      } finally {
        await session.close();
      }
    });
  }
}
