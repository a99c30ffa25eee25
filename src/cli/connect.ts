/**
 * What commands connect to: a Temporal client for the endpoints in use, the kinds from the registry
 * (with a database connected only if a kind's code asks for it), and a way to close both.
 */
import { Client, Connection } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/deps';
import { createKinds } from '../../activities/registry';
import type { FerryConfig } from '../config';
import { connectDatabase, type Database } from '../db/connect';
import type { MigrationKind } from '../engine/kind';
import { FerryError } from '../errors';
import type { Logger } from '../log';
import { resolveEndpoints, type Endpoints } from '../runtime/endpoints';

export interface Session {
  readonly endpoints: Endpoints;
  readonly client: Client;
  close(): Promise<void>;
}

export async function openSession(config: FerryConfig): Promise<Session> {
  const endpoints = resolveEndpoints(config, { database: false });
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: endpoints.temporalAddress, connectTimeout: 5_000 });
  } catch (error) {
    throw new FerryError('UNAVAILABLE', `Cannot reach the Temporal server at ${endpoints.temporalAddress} (${error instanceof Error ? error.message : String(error)}). Is \`ferry dev\` running, or TEMPORAL_ADDRESS right?`);
  }
  return {
    endpoints,
    client: new Client({ connection, namespace: endpoints.namespace }),
    close: () => connection.close(),
  };
}

/** Dependencies for kind code run by the CLI; the database connects on first use. */
export function lazyDeps(config: FerryConfig, log: Logger): ActivityDeps & { close(): Promise<void> } {
  let db: Database | undefined;
  return {
    config,
    log,
    get db() {
      db ??= connectDatabase(resolveEndpoints(config).databaseUrl);
      return db;
    },
    async close() {
      await db?.close();
    },
  };
}

export function cliKinds(config: FerryConfig, log: Logger): Map<string, MigrationKind> {
  return createKinds(lazyDeps(config, log));
}

export function kindOrThrow(kinds: Map<string, MigrationKind>, id: string): MigrationKind {
  const kind = kinds.get(id);
  if (!kind) throw new FerryError('USAGE', `Unknown kind "${id}". Kinds: ${[...kinds.keys()].join(', ')}`);
  return kind;
}
