/** `ferry status <id>` and `ferry watch <id>`: progress once, or live until the migration ends or pauses. */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { getProgress } from '../../engine/client';
import type { Progress } from '../../engine/types';
import { openSession } from '../connect';
import type { CliContext } from '../context';
import { exitCodes } from '../exit-codes';
import { formatProgress, isTerminal, printJson } from '../output';

const ended = new Set(['completed', 'rolled-back', 'failed']);

export function exitCodeOf(progress: Progress): number {
  if (progress.phase === 'completed') return exitCodes.ok;
  if (progress.phase === 'rolled-back') return exitCodes.rolledBack;
  if (progress.phase === 'paused' || progress.phase === 'awaiting-cutover') return exitCodes.paused;
  return exitCodes.failed;
}

/** Follows a migration; returns the exit code its end (or pause) calls for. */
export async function watchMigration(client: Client, workflowId: string, json: boolean, intervalMs = 1_000): Promise<number> {
  const live = isTerminal() && !json;
  const bar = live ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}% | {done}/{total} units | {records} records', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  let lastLine = '';
  let progress = await getProgress(client, workflowId);
  bar?.start(100, progress.percent, { phase: progress.phase, done: progress.counters.unitsDone, total: progress.counters.unitsTotal, records: progress.counters.recordsWritten });
  for (;;) {
    const line = `${progress.phase} ${progress.percent}% ${progress.counters.unitsDone}/${progress.counters.unitsTotal} units`;
    if (bar) bar.update(progress.percent, { phase: progress.phase.padEnd(16), done: progress.counters.unitsDone, total: progress.counters.unitsTotal, records: progress.counters.recordsWritten });
    else if (!json && line !== lastLine) process.stdout.write(`${new Date().toISOString()} ${line}\n`);
    lastLine = line;
    if (ended.has(progress.phase) || progress.phase === 'paused' || progress.phase === 'awaiting-cutover') break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    progress = await getProgress(client, workflowId);
  }
  bar?.stop();
  if (json) printJson({ workflowId, ...progress });
  else process.stdout.write(`${formatProgress(workflowId, progress)}\n`);
  return exitCodeOf(progress);
}

export function registerStatusCommands(program: Command, context: CliContext): void {
  program
    .command('status <id>')
    .description('show a migration\'s progress once')
    .option('--json', 'print machine-readable output')
    .action(async (id: string, flags: { json?: boolean }) => {
      const session = await openSession(context().config);
      try {
        const progress = await getProgress(session.client, id);
        if (flags.json) printJson({ workflowId: id, ...progress });
        else process.stdout.write(`${formatProgress(id, progress)}\n`);
      } finally {
        await session.close();
      }
    });
  program
    .command('watch <id>')
    .description('follow a migration until it ends or pauses (exit code: 0 completed, 6 paused, 7 rolled back, 1 failed)')
    .option('--json', 'print machine-readable output at the end')
    .action(async (id: string, flags: { json?: boolean }) => {
      const session = await openSession(context().config);
      try {
        process.exitCode = await watchMigration(session.client, id, Boolean(flags.json));
      } finally {
        await session.close();
      }
    });
}
