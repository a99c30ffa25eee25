/**
 * Ferry's two services, as the configuration asks: an existing Temporal server and PostgreSQL when
 * TEMPORAL_ADDRESS / DATABASE_URL are set (nothing is started), otherwise the embedded default —
 * a local Temporal dev server and an embedded PostgreSQL, both keeping their state under data/.
 */
import path from 'node:path';
import type { FerryConfig } from '../config';
import type { Logger } from '../log';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { ManagedProcess } from './managed-process';
import { startTemporalDevServer } from './temporal-server';

export interface Services {
  readonly temporal: { readonly address: string; readonly namespace: string; readonly uiUrl?: string; readonly source: string };
  readonly database: { readonly url: string; readonly source: string };
  /** The processes Ferry started (empty when both services are external). */
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

export function runtimeDir(config: FerryConfig): string {
  return path.join(config.dataDir, 'runtime');
}

export async function startServices(config: FerryConfig, log: Logger, options: { ui?: boolean } = {}): Promise<Services> {
  const stops: Array<() => Promise<void>> = [];
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch((error) => log.warn(`stopping a service failed: ${String(error)}`));
    stops.length = 0;
  };
  try {
    let database: Services['database'];
    if (config.database.url) {
      database = { url: config.database.url, source: 'DATABASE_URL' };
    } else {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(runtimeDir(config), 'postgres'),
        port: config.database.port,
        database: 'ferry',
        log,
      });
      stops.push(() => pg.stop());
      processes.push(pg.process);
      database = { url: pg.url, source: `embedded PostgreSQL (${pg.dataDir})` };
    }

    let temporal: Services['temporal'];
    if (config.temporal.address) {
      temporal = { address: config.temporal.address, namespace: config.temporal.namespace, source: 'TEMPORAL_ADDRESS' };
    } else {
      const server = await startTemporalDevServer({
        temporal: config.temporal,
        toolsDir: config.toolsDir,
        dbFile: path.join(runtimeDir(config), 'temporal.sqlite'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        ui: options.ui ?? true,
        log,
      });
      stops.push(() => server.stop());
      if (server.process) processes.push(server.process);
      temporal = { address: server.address, namespace: server.namespace, uiUrl: server.uiUrl, source: server.source };
    }
    return { temporal, database, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
