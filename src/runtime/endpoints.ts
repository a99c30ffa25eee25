/**
 * Where Ferry's commands find Temporal and PostgreSQL: the configuration first (TEMPORAL_ADDRESS,
 * DATABASE_URL), else the endpoints file that a running `ferry dev` writes, so that commands run in
 * another terminal reach the embedded services without any set-up.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FerryConfig } from '../config';
import { runtimeDir } from './services';

export interface Endpoints {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly uiUrl?: string;
}

interface EndpointsFile extends Endpoints {
  readonly pid: number;
}

export function endpointsFile(config: FerryConfig): string {
  return path.join(runtimeDir(config), 'endpoints.json');
}

export function writeEndpoints(config: FerryConfig, endpoints: Endpoints): void {
  mkdirSync(runtimeDir(config), { recursive: true });
  writeFileSync(endpointsFile(config), JSON.stringify({ ...endpoints, pid: process.pid }, null, 2));
}

export function removeEndpoints(config: FerryConfig): void {
  rmSync(endpointsFile(config), { force: true });
}

export class NoServicesError extends Error {
  readonly code = 'NO_SERVICES';
  constructor(missing: string) {
    super(`No ${missing} to talk to. Start the embedded services with \`ferry dev\` in another terminal, or set ${missing === 'Temporal server' ? 'TEMPORAL_ADDRESS' : 'DATABASE_URL'}.`);
    this.name = 'NoServicesError';
  }
}

/** The endpoints to use, or a NoServicesError that says how to provide them. */
export function resolveEndpoints(config: FerryConfig, needs: { database: boolean } = { database: true }): Endpoints {
  const running = readRunningDev(config);
  const temporalAddress = config.temporal.address ?? running?.temporalAddress;
  if (!temporalAddress) throw new NoServicesError('Temporal server');
  const databaseUrl = config.database.url ?? running?.databaseUrl;
  if (needs.database && !databaseUrl) throw new NoServicesError('database');
  return {
    temporalAddress,
    namespace: config.temporal.address ? config.temporal.namespace : running?.namespace ?? config.temporal.namespace,
    databaseUrl: databaseUrl ?? '',
    uiUrl: config.temporal.address ? undefined : running?.uiUrl,
  };
}

function readRunningDev(config: FerryConfig): EndpointsFile | undefined {
  const file = endpointsFile(config);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as EndpointsFile;
  return processIsAlive(parsed.pid) ? parsed : undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
