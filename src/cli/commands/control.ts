/** Operator commands: pause, resume, approve, skip, rollback, throttle — each acknowledged or refused with the reason. */
import type { Command } from 'commander';
import { sendCommand, setThrottle, type Command as MigrationCommand } from '../../engine/client';
import { openSession } from '../connect';
import type { CliContext } from '../context';
import { positiveInt, positiveNumber } from '../flags';
import { printJson } from '../output';

export function registerControlCommands(program: Command, context: CliContext): void {
  const simple: Array<[MigrationCommand, string, boolean]> = [
    ['pause', 'pause at the next batch boundary', false],
    ['resume', 'resume a paused migration (after a unit failure: retry the failed units)', false],
    ['approve', 'approve the cutover of a migration awaiting it (refused after a failed validation)', false],
    ['skip', 'after a unit failure: skip the failed units, recording the reason, and go on', true],
    ['rollback', 'roll back from any phase, including after cutover (also a closed migration)', true],
  ];
  for (const [name, description, wantsReason] of simple) {
    const command = program.command(`${name} <id>`).description(description).option('--json', 'print machine-readable output');
    if (wantsReason) command.requiredOption('--reason <text>', 'why (recorded in the migration)');
    else if (name === 'pause') command.option('--reason <text>', 'why (shown in status)');
    command.action(async (id: string, flags: { reason?: string; json?: boolean }) => {
      const session = await openSession(context().config);
      try {
        const answer = await sendCommand(session.client, id, name, flags.reason);
        if (flags.json) printJson({ workflowId: id, command: name, accepted: true, answer });
        else process.stdout.write(`${id}: ${answer}\n`);
      } finally {
        await session.close();
      }
    });
  }
  program
    .command('throttle <id>')
    .description('change the rate cap and concurrency of a running migration')
    .option('--concurrency <n>', 'batches in flight at once', positiveInt('--concurrency'))
    .option('--rate <units-per-second>', 'cap on units started per second', positiveNumber('--rate'))
    .option('--no-rate', 'remove the rate cap')
    .option('--json', 'print machine-readable output')
    .action(async (id: string, flags: { concurrency?: number; rate?: number | false; json?: boolean }) => {
      const throttle: { concurrency?: number; unitsPerSecond?: number } = {};
      if (flags.concurrency !== undefined) throttle.concurrency = flags.concurrency;
      if (flags.rate === false) throttle.unitsPerSecond = undefined;
      else if (flags.rate !== undefined) throttle.unitsPerSecond = flags.rate;
      const session = await openSession(context().config);
      try {
        const answer = await setThrottle(session.client, id, throttle);
        if (flags.json) printJson({ workflowId: id, command: 'throttle', accepted: true, answer });
        else process.stdout.write(`${id}: ${answer}\n`);
      } finally {
        await session.close();
      }
    });
}
