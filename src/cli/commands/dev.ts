/** `ferry dev`: the embedded Temporal dev server and PostgreSQL plus a worker, until Ctrl-C. */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { removeEndpoints, writeEndpoints } from '../../runtime/endpoints';
import { startServices } from '../../runtime/services';
import { exitCodes } from '../exit-codes';
import { startWorker, type RunningWorker } from '../run-worker';

export function registerDevCommand(program: Command, context: CliContext): void {
  program
    .command('dev')
    .description('start the embedded Temporal dev server (with Web UI), PostgreSQL and a worker; Ctrl-C stops them all')
    .action(async () => {
      const { config, log } = context();
      const services = await startServices(config, log, { ui: true });
      const endpoints = {
        temporalAddress: services.temporal.address,
        namespace: services.temporal.namespace,
        databaseUrl: services.database.url,
        uiUrl: services.temporal.uiUrl,
      };
      writeEndpoints(config, endpoints);
      let worker: RunningWorker | undefined;
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        await worker?.shutdown().catch(() => undefined);
        await services.stop();
        removeEndpoints(config);
        process.exit(code);
      };
      for (const serviceProcess of services.processes) {
        serviceProcess.onUnexpectedExit((error) => {
          // Ctrl-C in a terminal reaches the whole process group: a service going down then is expected.
          if (stopping) return;
          log.error(error.message);
          void stopAll(exitCodes.unavailable);
        });
      }
      process.once('SIGINT', () => void stopAll(exitCodes.ok));
      process.once('SIGTERM', () => void stopAll(exitCodes.ok));
      worker = await startWorker(config, endpoints, log);
      const lines = [
        'Ferry is running.',
        `  Temporal:  ${services.temporal.address} (namespace ${services.temporal.namespace}; ${services.temporal.source})`,
        services.temporal.uiUrl ? `  Web UI:    ${services.temporal.uiUrl}/namespaces/${services.temporal.namespace}/workflows` : '',
        `  Database:  ${services.database.url} (${services.database.source})`,
        `  Worker:    task queue "${config.temporal.taskQueue}"`,
        'Other `ferry` commands in another terminal use these services. Press Ctrl-C to stop.',
      ];
      process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
      await worker.done;
      await stopAll(exitCodes.ok);
    });
}
