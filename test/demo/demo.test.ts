/**
 * README command one, as a new user runs it: `npm run demo`, twice (the second run reuses the
 * services' state and starts from fresh sample data). Own data folder and ports, so it neither
 * touches the developer's data/ nor the shared test services.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../../src/config';
import { freePort } from '../../src/runtime/free-port';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-test-demo-'));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function runDemo(): Promise<{ code: number | null; output: string }> {
  const env = {
    ...process.env,
    FERRY_DATA_DIR: dataDir,
    FERRY_TEMPORAL_PORT: String(await freePort()),
    FERRY_TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'demo'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function finalPhases(output: string): Record<string, string> {
  const table = output.slice(output.lastIndexOf('KIND '));
  const phases: Record<string, string> = {};
  for (const line of table.split('\n').slice(2)) {
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length >= 9) phases[cells[0]] = cells[cells.length - 1];
  }
  return phases;
}

it('npm run demo migrates all four kinds, approves one, rolls one back after cutover, and runs again', async () => {
  for (const round of [1, 2]) {
    const { code, output } = await runDemo();
    expect(code, `round ${round}:\n${output}`).toBe(0);
    expect(finalPhases(output)).toEqual({
      'telemetry-to-parquet': 'completed',
      'csv-to-runs': 'completed',
      'backend-to-sync-data': 'rolled-back',
      'monolithic-to-chunked': 'completed',
    });
    expect(output).toMatch(/ferry approve csv-to-runs:all/);
    expect(output).toMatch(/Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/ferry\/workflows/);
  }
}, 600_000);
