/**
 * Ferry's configuration, read from the environment once into a frozen object. Nothing else in the
 * project reads `process.env`: every module receives the part of this object it needs.
 *
 * Glossary: "embedded" means Ferry starts the service itself (a local Temporal dev server, an
 * embedded PostgreSQL); "external" means the user named one with TEMPORAL_ADDRESS / DATABASE_URL.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json lives), whatever the working directory is. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const defaults = Object.freeze({
  namespace: 'ferry',
  taskQueue: 'ferry',
  temporalPort: 7233,
  temporalUiPort: 8233,
  temporalCliVersion: 'v1.5.1',
  postgresPort: 0,
  logLevel: 'info',
});

export interface TemporalConfig {
  /** host:port of an existing Temporal frontend; when set, Ferry starts no server. */
  readonly address?: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** An explicit Temporal CLI binary for the embedded dev server. */
  readonly cliPath?: string;
  readonly cliVersion: string;
  readonly port: number;
  readonly uiPort: number;
}

export interface DatabaseConfig {
  /** A PostgreSQL connection string; when set, Ferry starts no database. */
  readonly url?: string;
  /** 0 means: pick a free port. */
  readonly port: number;
}

export interface FerryConfig {
  readonly temporal: TemporalConfig;
  readonly database: DatabaseConfig;
  /** Root of Ferry's local state: the dev server's SQLite file, the embedded cluster, outputs. */
  readonly dataDir: string;
  /** Where the project keeps tools it builds itself (the Temporal CLI). */
  readonly toolsDir: string;
  readonly logLevel: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads the configuration from `env` (the process environment by default). */
export function loadConfig(env: Environment = process.env): FerryConfig {
  const dataDir = path.resolve(env.FERRY_DATA_DIR ?? path.join(projectRoot, 'data'));
  return deepFreeze({
    temporal: {
      address: nonEmpty(env.TEMPORAL_ADDRESS),
      namespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? defaults.namespace,
      taskQueue: nonEmpty(env.FERRY_TASK_QUEUE) ?? defaults.taskQueue,
      cliPath: nonEmpty(env.TEMPORAL_CLI_PATH),
      cliVersion: defaults.temporalCliVersion,
      port: port(env, 'FERRY_TEMPORAL_PORT', defaults.temporalPort),
      uiPort: port(env, 'FERRY_TEMPORAL_UI_PORT', defaults.temporalUiPort),
    },
    database: {
      url: nonEmpty(env.DATABASE_URL),
      port: port(env, 'FERRY_POSTGRES_PORT', defaults.postgresPort),
    },
    dataDir,
    toolsDir: path.resolve(env.FERRY_TOOLS_DIR ?? path.join(projectRoot, '.tools')),
    logLevel: nonEmpty(env.FERRY_LOG_LEVEL) ?? defaults.logLevel,
  });
}

/** Every environment variable Ferry reads, with what it means; the README's table comes from here. */
export const environmentVariables = Object.freeze({
  TEMPORAL_ADDRESS: 'host:port of an existing Temporal server; unset = start a local dev server',
  TEMPORAL_NAMESPACE: `Temporal namespace (default "${defaults.namespace}")`,
  FERRY_TASK_QUEUE: `task queue the worker polls (default "${defaults.taskQueue}")`,
  TEMPORAL_CLI_PATH: 'Temporal CLI binary for the local dev server (else PATH, then .tools/bin)',
  FERRY_TEMPORAL_PORT: `local dev server's gRPC port (default ${defaults.temporalPort})`,
  FERRY_TEMPORAL_UI_PORT: `local dev server's Web UI port (default ${defaults.temporalUiPort})`,
  DATABASE_URL: 'PostgreSQL connection string; unset = start an embedded PostgreSQL',
  FERRY_POSTGRES_PORT: 'embedded PostgreSQL port (default: a free one)',
  FERRY_DATA_DIR: 'local state and outputs (default ./data)',
  FERRY_TOOLS_DIR: 'where the Temporal CLI is built (default ./.tools)',
  FERRY_LOG_LEVEL: `log level: debug, info, warn, error (default ${defaults.logLevel})`,
  FERRY_HEAP_GROWING_PERCENT: "worker: V8's heap growing factor as a percent (default 100; 0 = V8's own policy)",
});

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function port(env: Environment, name: string, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name}="${raw}" is not a port number (0–65535); fix or unset it`);
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
