/**
 * The `ferry` command line. Thin: each command maps its flags onto options and calls the code that
 * does the work. Output: human-readable on a terminal, `--json` for machines, exit codes in
 * exit-codes.ts. Errors say what went wrong and what to do.
 */
import { Command, CommanderError } from 'commander';
import { NoServicesError } from '../runtime/endpoints';
import { registerDevCommand } from './commands/dev';
import { registerWorkerCommand } from './commands/worker';
import { cliContext } from './context';
import { exitCodes } from './exit-codes';


const program = new Command('ferry')
  .description('Durable, resumable, reversible data migrations run as Temporal workflows')
  .showHelpAfterError()
  .exitOverride();

registerDevCommand(program, cliContext);
registerWorkerCommand(program, cliContext);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(error instanceof NoServicesError ? exitCodes.unavailable : exitCodes.failed);
}
