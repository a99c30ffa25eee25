/** `ferry kinds`: the migration kinds this installation knows, and what their rollback can undo. */
import type { Command } from 'commander';
import { cliKinds } from '../connect';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerKindsCommand(program: Command, context: CliContext): void {
  program
    .command('kinds')
    .description('list the migration kinds and what their rollback can undo')
    .option('--json', 'print machine-readable output')
    .action((flags: { json?: boolean }) => {
      const { config, log } = context();
      const kinds = [...cliKinds(config, log).values()].map((k) => ({ id: k.id, title: k.title, rollback: k.rollbackNotes, flags: k.filterFlags.map((f) => f.flag) }));
      if (flags.json) return printJson(kinds);
      for (const k of kinds) process.stdout.write(`${k.id}\n  ${k.title}\n  rollback: ${k.rollback}\n  flags: ${k.flags.join(' ') || '(none)'}\n\n`);
    });
}
