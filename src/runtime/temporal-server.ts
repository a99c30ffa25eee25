/**
 * The local Temporal dev server: a real Temporal server (SQLite persistence, Web UI) started from
 * the Temporal CLI, or — when no CLI can be found or built — from the SDK's own download.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config';
import type { Logger } from '../log';
import { ferrySearchAttributes, searchAttributeFlags } from '../search-attributes';
import { isListening } from './free-port';
import { ManagedProcess } from './managed-process';
import { buildTemporalCli, findTemporalCli, goIsAvailable, TemporalCliMissingError } from './temporal-cli';

export interface DevServerOptions {
  readonly temporal: TemporalConfig;
  readonly toolsDir: string;
  /** The SQLite file that keeps every workflow across restarts. */
  readonly dbFile: string;
  readonly port: number;
  readonly uiPort: number;
  readonly ui: boolean;
  readonly log: Logger;
}

export interface RunningTemporal {
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl?: string;
  /** How the server was provided, for the user to read. */
  readonly source: string;
  /** The server process, when Ferry runs it itself (not with the SDK download). */
  readonly process?: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningTemporal> {
  const { temporal, log } = options;
  for (const port of options.ui ? [options.port, options.uiPort] : [options.port]) {
    if (await isListening(port)) {
      throw new Error(
        `Port ${port} is already in use, so the local Temporal dev server cannot start there. ` +
          'Stop what uses it (another `ferry dev`?), or choose other ports with FERRY_TEMPORAL_PORT / FERRY_TEMPORAL_UI_PORT, ' +
          'or point Ferry at a running server with TEMPORAL_ADDRESS.',
      );
    }
  }
  mkdirSync(path.dirname(options.dbFile), { recursive: true });

  let cli = findTemporalCli(temporal, options.toolsDir);
  if (!cli && goIsAvailable()) cli = await buildTemporalCli(temporal, options.toolsDir, log);
  if (!cli) return startWithSdkDownload(options);

  const address = `127.0.0.1:${options.port}`;
  const logFile = `${options.dbFile}.log`;
  const args = [
    'server', 'start-dev',
    '--db-filename', options.dbFile,
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--namespace', temporal.namespace,
    '--log-level', 'warn',
    // Write-ahead log with normal sync: every commit is durable across a crash of the server
    // process; only an OS crash or power loss can lose the last commits, which Temporal then
    // redoes (activities are idempotent). The default rollback journal syncs several times per
    // commit and makes every workflow step wait on the disk.
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    ...searchAttributeFlags(),
    ...(options.ui ? ['--ui-port', String(options.uiPort)] : ['--headless']),
  ];
  const out = openSync(logFile, 'a');
  // Its own process group: a terminal's Ctrl-C reaches Ferry, which then stops the server in order.
  const child = spawn(cli.path, args, { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  const server = new ManagedProcess('The Temporal dev server', child, `its log is ${logFile}`);
  log.debug(`Temporal dev server pid ${child.pid} (${cli.path}, ${cli.source})`);
  try {
    await waitUntilReady(address, temporal.namespace, server);
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
  return {
    address,
    namespace: temporal.namespace,
    uiUrl: options.ui ? `http://127.0.0.1:${options.uiPort}` : undefined,
    source: `Temporal CLI (${cli.source}: ${cli.path})`,
    process: server,
    async stop() {
      await server.stop();
    },
  };
}

async function waitUntilReady(address: string, namespace: string, server: ManagedProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The Temporal dev server exited while starting; ${server.name} log has the reason`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`The Temporal dev server at ${address} was not ready after ${timeoutMs / 1000}s: ${String(lastError)}`);
}

async function startWithSdkDownload(options: DevServerOptions): Promise<RunningTemporal> {
  const { log, temporal } = options;
  log.warn('No Temporal CLI was found and Go is not installed: letting the Temporal SDK download the dev server (needs internet).');
  try {
    // Loaded lazily: only this fallback needs the testing package's native server manager.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        dbFilename: options.dbFile,
        namespace: temporal.namespace,
        ip: '127.0.0.1',
        port: options.port,
        ui: options.ui,
        uiPort: options.ui ? options.uiPort : undefined,
        searchAttributes: [...ferrySearchAttributes],
      },
    });
    return {
      address: `127.0.0.1:${options.port}`,
      namespace: temporal.namespace,
      uiUrl: options.ui ? `http://127.0.0.1:${options.uiPort}` : undefined,
      source: 'Temporal SDK download',
      stop: () => env.teardown(),
    };
  } catch (error) {
    throw new TemporalCliMissingError(`the SDK's download failed too: ${error instanceof Error ? error.message : String(error)}`);
  }
}
