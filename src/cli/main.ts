/**
 * The `ferry` command line. Thin: each command maps its flags onto options and calls the code that
 * does the work. Output: human-readable on a terminal, `--json` for machines, exit codes in
 * exit-codes.ts. Errors say what went wrong and what to do.
 */
import { Command, CommanderError } from 'commander';
import { FerryError } from '../errors';
import { NoServicesError } from '../runtime/endpoints';
import { registerControlCommands } from './commands/control';
import { registerDevCommand } from './commands/dev';
import { registerKindsCommand } from './commands/kinds';
import { registerListCommand } from './commands/list';
import { registerScheduleCommand } from './commands/schedule';
import { registerSeedCommand } from './commands/seed';
import { registerSessionBackupCommands } from './commands/session-backups';
import { registerStartCommand } from './commands/start';
import { registerStatusCommands } from './commands/watch';
import { registerWorkerCommand } from './commands/worker';
import { cliContext } from './context';
import { exitCodes } from './exit-codes';

const program = new Command('ferry')
  .description('Durable, resumable, reversible data migrations run as Temporal workflows')
  .showHelpAfterError()
  .exitOverride();

registerStartCommand(program, cliContext);
registerStatusCommands(program, cliContext);
registerListCommand(program, cliContext);
registerControlCommands(program, cliContext);
registerSeedCommand(program, cliContext);
registerScheduleCommand(program, cliContext);
registerSessionBackupCommands(program, cliContext);
registerKindsCommand(program, cliContext);
registerWorkerCommand(program, cliContext);
registerDevCommand(program, cliContext);
// Every subcommand inherits the same error handling (commander's own errors become exit code 2).
for (const command of program.commands) command.exitOverride();

const exitCodeByErrorCode: Record<string, number> = {
  REFUSED: exitCodes.refused,
  MIGRATION_RUNNING: exitCodes.refused,
  NOT_ROLLBACKABLE: exitCodes.refused,
  NOT_FOUND: exitCodes.notFound,
  UNAVAILABLE: exitCodes.unavailable,
  NO_SERVICES: exitCodes.unavailable,
  USAGE: exitCodes.usage,
};

try {
  await program.parseAsync(process.argv);
  // Explicit, so that a lingering handle can neither keep the CLI alive nor lose its exit code.
  if (!isLongRunning(process.argv)) process.exit(typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ferry: ${message}\n`);
  const code = error instanceof NoServicesError ? exitCodes.unavailable : error instanceof FerryError ? exitCodeByErrorCode[error.code] ?? exitCodes.failed : exitCodes.failed;
  process.exit(code);
}

function isLongRunning(argv: readonly string[]): boolean {
  return argv.includes('worker') || argv.includes('dev');
}
