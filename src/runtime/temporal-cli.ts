/**
 * Finds the Temporal CLI that runs the local dev server, building it once from the Go module proxy
 * when it is missing. Order: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's own
 * `.tools/bin/temporal`, then a Go build into `.tools/bin`. When none of these is possible the
 * caller may fall back to the SDK's download (see temporal-server.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TemporalConfig } from '../config';
import type { Logger } from '../log';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project build' | 'built now';

export interface TemporalCli {
  readonly path: string;
  readonly source: TemporalCliSource;
}

export class TemporalCliMissingError extends Error {
  readonly code = 'TEMPORAL_CLI_MISSING';
  constructor(detail: string) {
    super(
      `No Temporal server is available (${detail}). Provide one of:\n` +
        '  1. TEMPORAL_ADDRESS=host:port of a running Temporal server (no local server is started);\n' +
        '  2. TEMPORAL_CLI_PATH=/path/to/temporal, or `temporal` on PATH;\n' +
        '  3. Go on PATH, so Ferry can build the Temporal CLI once into .tools/bin;\n' +
        '  (or internet access, so the Temporal SDK can download the dev server itself).',
    );
    this.name = 'TemporalCliMissingError';
  }
}

export function projectCliPath(toolsDir: string): string {
  return path.join(toolsDir, 'bin', 'temporal');
}

/** The first Temporal CLI found without building anything, or undefined. */
export function findTemporalCli(config: TemporalConfig, toolsDir: string, envPath = process.env.PATH ?? ''): TemporalCli | undefined {
  if (config.cliPath) {
    if (!isExecutable(config.cliPath)) {
      throw new TemporalCliMissingError(`TEMPORAL_CLI_PATH="${config.cliPath}" is not an executable file`);
    }
    return { path: config.cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  const own = projectCliPath(toolsDir);
  return isExecutable(own) ? { path: own, source: 'project build' } : undefined;
}

export function goIsAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the Temporal CLI with `go install` into `<toolsDir>/bin`. Later releases than the pinned
 * one carry a `replace` directive, which `go install pkg@version` refuses; the pinned one does not.
 */
export async function buildTemporalCli(config: TemporalConfig, toolsDir: string, log: Logger): Promise<TemporalCli> {
  const bin = path.join(toolsDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const pkg = `github.com/temporalio/cli/cmd/temporal@${config.cliVersion}`;
  log.info(`Building the Temporal CLI ${config.cliVersion} from the Go module proxy into ${bin}.`);
  log.info('This happens once (a few minutes and some GB of Go module cache); later starts reuse it.');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', pkg], {
      env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${pkg} exited with code ${code}`))));
  });
  const built = projectCliPath(toolsDir);
  if (!existsSync(built)) throw new Error(`go install ${pkg} succeeded but ${built} is missing`);
  return { path: built, source: 'built now' };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
