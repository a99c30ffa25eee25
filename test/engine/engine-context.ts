/** Shared set-up of the engine's tests: a test context whose worker knows the copy-rows kind. */
import { fileURLToPath } from 'node:url';
import { defaultOptions } from '../../src/engine/step-run';
import type { MigrationOptions } from '../../src/engine/types';
import { openTestContext, type TestContext } from '../support/harness';
import { copyRowsKindId, createCopyRowsTables, kindFactory, type CopyRowsFilters } from './copy-rows-kind';
import { startMigration, type StartMigration } from '../../src/engine/client';

export const copyRowsKindModule = fileURLToPath(new URL('./copy-rows-kind.ts', import.meta.url));

export async function openEngineContext(name: string, rows: number): Promise<TestContext> {
  const t = await openTestContext(name);
  await createCopyRowsTables(t.db.pool, rows);
  return t;
}

export function copyRowsRequest(t: TestContext, options: Partial<MigrationOptions> & { filters?: CopyRowsFilters } = {}): StartMigration {
  return {
    kind: copyRowsKindId,
    scope: 'all',
    taskQueue: t.taskQueue,
    options: defaultOptions({ batchSize: 100, throttle: { concurrency: 2 }, ...options, filters: (options.filters ?? {}) as Record<string, unknown> }),
  };
}

export async function startCopyRows(t: TestContext, options: Partial<MigrationOptions> & { filters?: CopyRowsFilters } = {}) {
  return startMigration(t.client, copyRowsRequest(t, options));
}

export const engineKinds = [kindFactory];
