/**
 * How people and programs talk to a running migration. Every operator command exists twice: as an
 * update with a validator (the CLI's way: an acknowledgement or the reason for a refusal) and as a
 * plain signal (what the Web UI and `temporal workflow signal` can send).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MigrationOptions, Progress, Throttle } from '../src/engine/types';

export interface MigrationInput {
  readonly kind: string;
  readonly scope: string;
  readonly options: MigrationOptions;
}

export interface ReasonArg {
  readonly reason?: string;
}

export const progressQuery = defineQuery<Progress>('progress');

export const pauseSignal = defineSignal<[ReasonArg?]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const approveSignal = defineSignal<[]>('approve');
export const rollbackSignal = defineSignal<[ReasonArg?]>('rollback');
export const throttleSignal = defineSignal<[Partial<Throttle>]>('throttle');

export const pauseUpdate = defineUpdate<string, [ReasonArg]>('pauseMigration');
export const resumeUpdate = defineUpdate<string, []>('resumeMigration');
export const approveUpdate = defineUpdate<string, []>('approveCutover');
export const rollbackUpdate = defineUpdate<string, [ReasonArg]>('rollbackMigration');
export const throttleUpdate = defineUpdate<string, [Partial<Throttle>]>('throttleMigration');
/** After a unit failure: mark the failed units skipped (with the reason) and go on. */
export const skipFailedUpdate = defineUpdate<string, [ReasonArg]>('skipFailedUnits');
