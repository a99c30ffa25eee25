/**
 * Builds a Ferry worker: Ferry's workflows and activities on one task queue. Database credentials
 * reach activities from the worker's own environment (via `deps`), never from workflow input.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { ActivityDeps } from '../../activities/deps';
import type { KindFactory } from '../engine/kind';
import { applyHeapGrowth } from './heap-growth';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly deps: ActivityDeps;
  /** A pre-built bundle (tests build one per run); otherwise the workflows are bundled now. */
  readonly workflowBundle?: WorkflowBundleOption;
  readonly maxConcurrentActivityTaskExecutions?: number;
  /** Kinds besides the built-in ones (tests define their own). */
  readonly extraKinds?: readonly KindFactory[];
}

export async function createFerryWorker(options: WorkerOptions): Promise<Worker> {
  applyHeapGrowth();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps, options.extraKinds),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 8,
  });
}

/** Bundles the workflow code once, for reuse by several workers in one process or test run. */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log() {}, trace() {}, debug() {}, info() {},
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
