/** Starts a worker in a child process on a test context's services and task queue (so a test can kill -9 it). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { childEnvironment, type TestContext } from './harness';

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** kill -9: the worker dies mid-step without any chance to clean up. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnWorkerProcess(t: TestContext, options: { kindModules?: readonly string[]; env?: Record<string, string> } = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'run-ts.js'), path.join(projectRoot, 'test', 'support', 'worker-main.ts')], {
    cwd: projectRoot,
    env: {
      ...childEnvironment(t),
      FERRY_TEST_BUNDLE: t.info.bundlePath,
      FERRY_TEST_KIND_MODULES: (options.kindModules ?? []).join(','),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited early with code ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
