/**
 * The operator commands of a running migration: a query for progress, and pause / resume /
 * approve / rollback / throttle / skip as updates (validated: refusals carry the reason) and as
 * signals (for the Web UI and `temporal workflow signal`; an invalid signal is ignored and noted).
 * Handlers only set flags; the workflow's main loop acts on them at the next batch boundary.
 */
import { setHandler } from '@temporalio/workflow';
import type { Progress, Throttle } from '../src/engine/types';
import {
  approveSignal, approveUpdate, pauseSignal, pauseUpdate, progressQuery, resumeSignal, resumeUpdate,
  rollbackSignal, rollbackUpdate, skipFailedUpdate, throttleSignal, throttleUpdate, type ReasonArg,
} from './migration-api';
import { pushError, type MigrationState } from './migration-state';

export interface Control {
  pauseRequested?: string;
  resumeRequested: boolean;
  rollbackRequested?: string;
  skipRequested?: string;
}

const finalPhases = new Set(['rolled-back', 'failed']);

export function installHandlers(state: MigrationState, control: Control, progress: () => Progress): void {
  setHandler(progressQuery, progress);

  const refusePause = (_arg?: ReasonArg): string | undefined => {
    if (finalPhases.has(state.phase) || state.phase === 'completed') return `the migration is already ${state.phase}`;
    if (state.phase === 'rolling-back') return 'the migration is rolling back';
    if (state.phase === 'paused' || control.pauseRequested) return 'the migration is already paused';
    return undefined;
  };
  const refuseResume = (): string | undefined =>
    state.phase === 'paused' || control.pauseRequested ? undefined : `the migration is not paused (phase ${state.phase})`;
  const refuseApprove = (): string | undefined => {
    if (state.validation && state.validation.failed > 0) {
      return `validation failed for ${state.validation.failed} of ${state.validation.checked} units (${state.validation.mismatches[0] ?? 'see status'}); fix the cause and resume to validate again, or roll back`;
    }
    if (state.phase !== 'awaiting-cutover') return `the migration is not awaiting cutover approval (phase ${state.phase})`;
    return undefined;
  };
  const refuseRollback = (_arg?: ReasonArg): string | undefined => {
    if (finalPhases.has(state.phase)) return `the migration is already ${state.phase}`;
    if (state.phase === 'rolling-back' || control.rollbackRequested) return 'the migration is already rolling back';
    return undefined;
  };
  const refuseSkip = (_arg?: ReasonArg): string | undefined =>
    state.failedRanges.length > 0 && state.phase === 'paused' ? undefined : 'there are no failed units waiting for a decision';
  const refuseThrottle = (throttle: Partial<Throttle>): string | undefined => {
    if (throttle.concurrency !== undefined && (!Number.isInteger(throttle.concurrency) || throttle.concurrency < 1 || throttle.concurrency > 200)) {
      return 'concurrency must be a whole number from 1 to 200';
    }
    if (throttle.unitsPerSecond !== undefined && throttle.unitsPerSecond !== null && !(throttle.unitsPerSecond > 0)) {
      return 'units per second must be above 0 (or omitted for no cap)';
    }
    return finalPhases.has(state.phase) ? `the migration is already ${state.phase}` : undefined;
  };

  const pause = (arg?: ReasonArg) => {
    control.pauseRequested = arg?.reason ?? 'paused by an operator';
    return 'pause requested: the migration pauses when its running batches finish';
  };
  const resume = () => {
    control.resumeRequested = true;
    control.pauseRequested = undefined;
    return 'resumed';
  };
  const approve = () => {
    state.approved = true;
    return 'cutover approved';
  };
  const rollback = (arg?: ReasonArg) => {
    control.rollbackRequested = arg?.reason ?? 'requested by an operator';
    return 'rollback requested: running batches finish, then every touched unit is undone in reverse order';
  };
  const throttle = (value: Partial<Throttle>) => {
    state.options = {
      ...state.options,
      throttle: {
        concurrency: value.concurrency ?? state.options.throttle.concurrency,
        unitsPerSecond: 'unitsPerSecond' in value ? value.unitsPerSecond ?? undefined : state.options.throttle.unitsPerSecond,
      },
    };
    return `throttle now: concurrency ${state.options.throttle.concurrency}, ${state.options.throttle.unitsPerSecond ?? 'no cap on'} units/s`;
  };
  const skip = (arg?: ReasonArg) => {
    control.skipRequested = arg?.reason ?? 'skipped by an operator';
    return 'failed units will be skipped';
  };

  const ignoredSignal = (name: string, reason: string) =>
    pushError(state.recentErrors, { at: new Date().toISOString(), code: 'SIGNAL_IGNORED', message: `${name} signal ignored: ${reason}` });
  const viaSignal = <A extends unknown[]>(name: string, refuse: (...args: A) => string | undefined, act: (...args: A) => unknown) =>
    (...args: A) => {
      const reason = refuse(...args);
      if (reason) ignoredSignal(name, reason);
      else act(...args);
    };
  const validator = <A extends unknown[]>(refuse: (...args: A) => string | undefined) => (...args: A) => {
    const reason = refuse(...args);
    if (reason) throw new Error(reason);
  };

  setHandler(pauseUpdate, pause, { validator: validator(refusePause) });
  setHandler(resumeUpdate, resume, { validator: validator(refuseResume) });
  setHandler(approveUpdate, approve, { validator: validator(refuseApprove) });
  setHandler(rollbackUpdate, rollback, { validator: validator(refuseRollback) });
  setHandler(throttleUpdate, throttle, { validator: validator(refuseThrottle) });
  setHandler(skipFailedUpdate, skip, { validator: validator(refuseSkip) });

  setHandler(pauseSignal, viaSignal('pause', refusePause, pause));
  setHandler(resumeSignal, viaSignal('resume', refuseResume, resume));
  setHandler(approveSignal, viaSignal('approve', refuseApprove, approve));
  setHandler(rollbackSignal, viaSignal('rollback', refuseRollback, rollback));
  setHandler(throttleSignal, viaSignal('throttle', refuseThrottle, throttle));
}
