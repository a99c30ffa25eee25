import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/config';

it('a process that used the lap threads waits for their result, then exits by itself', async () => {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'run-ts.js'), path.join(projectRoot, 'test', 'support', 'lap-pool-user.ts')], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  // Idle threads must not hold the process: without that it never exits (killed after 60 s).
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  // Exit code 0 with the result printed: not an exit with the encode still pending (that is code 13).
  expect(output).toMatch(/^encoded [1-9]\d* bytes\n$/);
});
