/** `ferry worker`: one worker process on the configured task queue (scale out by running more). */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { resolveEndpoints } from '../../runtime/endpoints';
import { startWorker } from '../run-worker';

export function registerWorkerCommand(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description("run a worker that serves Ferry's workflows and activities (TEMPORAL_ADDRESS, DATABASE_URL, FERRY_TASK_QUEUE)")
    .action(async () => {
      const { config, log } = context();
      const worker = await startWorker(config, resolveEndpoints(config), log);
      const stop = () => void worker.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await worker.done;
    });
}
