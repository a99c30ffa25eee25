/**
 * Starting and driving migrations from outside Temporal (the CLI, tests, the demo, apps). One
 * migration, one workflow id (`<kind>:<scope>`): a second start while one runs is refused with a
 * message naming the running one, or attaches to it when asked.
 */
import {
  WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
  type Client, type WorkflowHandle,
} from '@temporalio/client';
import type { MigrationResult, migrationWorkflow } from '../../workflows/migration';
import {
  approveUpdate, pauseUpdate, progressQuery, resumeUpdate, rollbackUpdate, skipFailedUpdate, throttleUpdate,
  type MigrationInput,
} from '../../workflows/migration-api';
import { FerryError } from '../errors';
import { kindAttribute, phaseAttribute, progressAttribute, scopeAttribute } from '../search-attributes';
import type { MigrationOptions, Progress, Throttle } from './types';

export type MigrationHandle = WorkflowHandle<typeof migrationWorkflow>;

export function migrationWorkflowId(kind: string, scope: string, dryRun: boolean): string {
  return `${kind}:${scope}${dryRun ? ':dry-run' : ''}`;
}

export interface StartMigration {
  readonly kind: string;
  readonly scope: string;
  readonly options: MigrationOptions;
  readonly taskQueue: string;
  /** Attach to a running migration of the same kind and scope instead of refusing. */
  readonly attach?: boolean;
}

export class MigrationRunningError extends FerryError {
  constructor(readonly workflowId: string) {
    super(
      'MIGRATION_RUNNING',
      `A migration with id "${workflowId}" is already running. Watch it with \`ferry watch ${workflowId}\`, ` +
        'roll it back with `ferry rollback`, or start with --attach to follow it.',
    );
  }
}

export async function startMigration(client: Client, request: StartMigration): Promise<MigrationHandle> {
  const workflowId = migrationWorkflowId(request.kind, request.scope, request.options.dryRun);
  const input: MigrationInput = { kind: request.kind, scope: request.scope, options: request.options };
  try {
    return await client.workflow.start<typeof migrationWorkflow>('migrationWorkflow', {
      taskQueue: request.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: request.attach ? 'USE_EXISTING' : 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: startAttributes(request.kind, request.scope, 'pending'),
      staticSummary: `${request.kind} over ${request.scope}${request.options.dryRun ? ' (dry run)' : ''}`.slice(0, 190),
      staticDetails: optionsMarkdown(request),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new MigrationRunningError(workflowId);
    throw error;
  }
}

/** Starts a migration and waits for its end (or for it to pause, when `untilPaused`). */
export async function runMigration(client: Client, request: StartMigration): Promise<MigrationResult> {
  const handle = await startMigration(client, request);
  return handle.result();
}

export function migrationHandle(client: Client, workflowId: string): MigrationHandle {
  return client.workflow.getHandle<typeof migrationWorkflow>(workflowId);
}

/** Progress of a running migration (query), or of a closed one (its result). */
export async function getProgress(client: Client, workflowId: string): Promise<Progress> {
  const handle = migrationHandle(client, workflowId);
  try {
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') return await handle.query(progressQuery);
    if (description.status.name === 'COMPLETED') return (await handle.result()).progress;
    throw new FerryError('MIGRATION_ENDED', `Migration "${workflowId}" ended with status ${description.status.name}; see it in the Web UI`);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new FerryError('NOT_FOUND', `No migration with id "${workflowId}"; \`ferry list\` shows them`);
    throw error;
  }
}

export type Command = 'pause' | 'resume' | 'approve' | 'rollback' | 'skip';

/** Sends an operator command as an update: resolves with the acknowledgement or throws the refusal. */
export async function sendCommand(client: Client, workflowId: string, command: Command, reason?: string): Promise<string> {
  const handle = migrationHandle(client, workflowId);
  try {
    switch (command) {
      case 'pause': return await handle.executeUpdate(pauseUpdate, { args: [{ reason }] });
      case 'resume': return await handle.executeUpdate(resumeUpdate, { args: [] });
      case 'approve': return await handle.executeUpdate(approveUpdate, { args: [] });
      case 'skip': return await handle.executeUpdate(skipFailedUpdate, { args: [{ reason }] });
      case 'rollback': return await rollback(client, handle, reason);
    }
  } catch (error) {
    throw asRefusal(error, workflowId);
  }
}

export async function setThrottle(client: Client, workflowId: string, throttle: Partial<Throttle>): Promise<string> {
  try {
    return await migrationHandle(client, workflowId).executeUpdate(throttleUpdate, { args: [throttle] });
  } catch (error) {
    throw asRefusal(error, workflowId);
  }
}

/**
 * Rolls back a migration. A running one gets the update; a completed (closed) one is undone by a
 * new run of the same workflow id that carries the closed run's compensation stack.
 */
async function rollback(client: Client, handle: MigrationHandle, reason?: string): Promise<string> {
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') return handle.executeUpdate(rollbackUpdate, { args: [{ reason }] });
  if (description.status.name !== 'COMPLETED') {
    throw new FerryError('NOT_ROLLBACKABLE', `Migration "${handle.workflowId}" ended with status ${description.status.name}; nothing Ferry can roll back`);
  }
  const { state } = await handle.result();
  if (state.phase !== 'completed' || state.options.dryRun) {
    throw new FerryError('NOT_ROLLBACKABLE', `Migration "${handle.workflowId}" ended ${state.phase}${state.options.dryRun ? ' (dry run)' : ''}: there is nothing to roll back`);
  }
  await client.workflow.start<typeof migrationWorkflow>('migrationWorkflow', {
    taskQueue: description.taskQueue,
    workflowId: handle.workflowId,
    args: [{ kind: state.kind, scope: state.scope, options: state.options }, { ...state, phase: 'rolling-back', rollbackReason: reason ?? 'requested after completion' }],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: startAttributes(state.kind, state.scope, 'rolling-back'),
    staticSummary: `rollback of ${state.kind} over ${state.scope}`.slice(0, 190),
  });
  return 'rollback started: a new run undoes every unit the completed migration touched, in reverse order';
}

/** The search attributes a migration run starts with, so the Web UI lists it at once. */
function startAttributes(kind: string, scope: string, phase: string) {
  return [
    { key: kindAttribute, value: kind },
    { key: scopeAttribute, value: scope },
    { key: phaseAttribute, value: phase },
    { key: progressAttribute, value: 0 },
  ];
}

function asRefusal(error: unknown, workflowId: string): unknown {
  if (error instanceof WorkflowUpdateFailedError) {
    return new FerryError('REFUSED', `Refused: ${error.cause?.message ?? error.message}`);
  }
  if (error instanceof WorkflowNotFoundError) return new FerryError('NOT_FOUND', `No running migration with id "${workflowId}"`);
  return error;
}

function optionsMarkdown(request: StartMigration): string {
  const o = request.options;
  return [
    `Kind: **${request.kind}**, scope \`${request.scope}\``,
    `Dry run: ${o.dryRun ? 'yes' : 'no'} · batch size ${o.batchSize} · concurrency ${o.throttle.concurrency}` +
      `${o.throttle.unitsPerSecond ? ` · ≤ ${o.throttle.unitsPerSecond} units/s` : ''}`,
    `Approval before cutover: ${o.requireApproval ? 'required' : 'no'} · on failure: ${o.onFailure}`,
    `Filters: \`${JSON.stringify(o.filters)}\``,
  ].join('\n\n').slice(0, 19_000);
}
