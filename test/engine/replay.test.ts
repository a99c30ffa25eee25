/**
 * Determinism guard: histories recorded from real runs (test/engine/histories/, refreshed with
 * FERRY_RECORD_HISTORIES=1) are replayed against the current workflow code. A change that would
 * break a migration already running in production fails here; guard such a change with
 * `patched()` so old runs keep their old path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { expect, inject, it } from 'vitest';
import { installSdkLogging } from '../../src/worker/sdk-logging';
import { historiesDir, loadHistory } from '../support/record-history';

installSdkLogging('warn');
const fixtures = readdirSync(historiesDir).filter((file) => file.endsWith('.json')).sort();

it('has recorded histories to replay', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(4);
});

for (const file of fixtures) {
  it(`replays ${file} without non-determinism`, async () => {
    const history = loadHistory(readFileSync(path.join(historiesDir, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('harness').bundlePath } }, history, file);
  });
}
