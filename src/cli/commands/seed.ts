/** `ferry seed <kind> …`: sample data for a kind (its application tables, or its files). */
import type { Command } from 'commander';
import { applyMigrations, createApplicationTables } from '../../db/apply-migrations';
import { cliKinds, lazyDeps } from '../connect';
import type { CliContext } from '../context';
import { addKindFlags, kindValues } from '../flags';

export function registerSeedCommand(program: Command, context: CliContext): void {
  const seed = program.command('seed').description('create sample data for a kind (see `ferry seed <kind> --help`)');
  const { config, log } = context();
  for (const kind of cliKinds(config, log).values()) {
    if (!kind.seed) continue;
    const spec = kind.seed;
    const command = seed.command(kind.id).description(`sample data for ${kind.id}`);
    addKindFlags(command, spec.flags);
    command.action(async (flags: Record<string, unknown>) => {
      const deps = lazyDeps(config, log);
      try {
        await applyMigrations(deps.db.pool);
        await createApplicationTables(deps.db.pool);
        process.stdout.write(`${await spec.run(deps, kindValues(spec.flags, flags))}\n`);
      } finally {
        await deps.close();
      }
    });
  }
}
