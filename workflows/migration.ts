/**
 * The migration workflow: the life every kind shares, written once.
 *
 *   inventory → backup (prepare + per unit) → convert → validate → [awaiting-cutover] → cutover → completed
 *   any phase → paused (operator, or a unit failed) → resumed / skipped / rolled back
 *   any phase, including after cutover → rolling-back → rolled-back (or failed, naming what could not be undone)
 *
 * Units move in batches (ordinal ranges) with bounded parallelism and an optional rate cap. Before a
 * step runs on a range, its undo is pushed on a compensation stack; rollback pops it in reverse,
 * in a non-cancellable scope. History stays bounded: the workflow continues as new with its state
 * when the server suggests it or at ~2,000 events. Payloads hold ranges and counts, never rows.
 */
import {
  ActivityCancellationType, ActivityFailure, ApplicationFailure, CancellationScope, condition, continueAsNew, isCancellation, log, patched,
  proxyActivities, proxyLocalActivities, setCurrentDetails, sleep, upsertSearchAttributes, workflowInfo, allHandlersFinished,
} from '@temporalio/workflow';
import type { FerryActivities } from '../activities';
import { kindAttribute, phaseAttribute, progressAttribute, scopeAttribute } from '../src/search-attributes';
import type { BatchReport, GlobalStep, Phase, Progress, UnitStep } from '../src/engine/types';
import { percentDone } from '../src/engine/types';
import type { MigrationInput } from './migration-api';
import { installHandlers, type Control } from './migration-handlers';
import {
  addBatch, detailsMarkdown, initialState, pushCompensation, pushError, type FailedRange, type MigrationState,
} from './migration-state';

export interface MigrationResult {
  readonly progress: Progress;
  /** The final state: what `ferry rollback` hands a new run to undo a closed migration. */
  readonly state: MigrationState;
}

const work = proxyActivities<FerryActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
});
const bookkeeping = proxyActivities<FerryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 30 },
});
// The same bookkeeping as local activities: no task-queue round trip, a fraction of the latency.
const localBookkeeping = proxyLocalActivities<FerryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 30 },
});
// Undo steps: no schedule-to-close, so a slow undo is never cut short; failures are recorded.
const undo = proxyActivities<FerryActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 6 },
});

/** Event count at which a run hands over to a new one (the server's own suggestion comes first). */
const historyBudget = 2_000;
const stepsWithUndo = new Set<UnitStep>(['backup', 'convert', 'cutover']);
const stages = ['inventory', 'prepare', 'backup', 'convert', 'validate', 'approval', 'cutover', 'finish-cutover', 'done'] as const;
type Stage = (typeof stages)[number];
const optionalStages = new Set<Stage>(['prepare', 'backup', 'cutover', 'finish-cutover']);
const phaseOfStage: Record<Stage, Phase> = {
  inventory: 'inventory', prepare: 'backup', backup: 'backup', convert: 'convert', validate: 'validate',
  approval: 'awaiting-cutover', cutover: 'cutover', 'finish-cutover': 'cutover', done: 'completed',
};

class RollbackNow extends Error {}

export async function migrationWorkflow(input: MigrationInput, carried?: MigrationState & { stage?: Stage }): Promise<MigrationResult> {
  const info = workflowInfo();
  const state: MigrationState & { stage?: Stage } = carried ?? {
    ...initialState(`${info.workflowId}#${info.firstExecutionRunId}`, input.kind, input.scope, input.options, new Date().toISOString()),
    stage: 'inventory',
  };
  if (carried) state.runsSoFar = carried.runsSoFar + 1;
  const control: Control = { resumeRequested: false };
  if (carried?.phase === 'rolling-back' && !state.rollbackReason) state.rollbackReason = 'rollback continued';
  let lastPercent = -1;
  const ref = { migrationId: state.migrationId, kind: state.kind };
  const currentUnits: string[] = [];
  // Batches still executing; a rollback waits for them so that no undo runs before its batch's last write.
  const running = new Set<Promise<unknown>>();

  const progress = (): Progress => ({
    migrationId: state.migrationId, kind: state.kind, scope: state.scope, phase: state.phase,
    pausedFrom: state.pausedFrom, pauseReason: state.pauseReason, dryRun: state.options.dryRun,
    counters: { ...state.counters }, percent: percentDone(state.phase, state.counters),
    currentUnits: [...currentUnits], recentErrors: [...state.recentErrors],
    validation: state.validation, throttle: state.options.throttle, rollbackReason: state.rollbackReason,
    rollbackFailures: [...state.rollbackFailures], startedAt: state.startedAt,
    updatedAt: new Date().toISOString(),
    finishedAt: ['completed', 'rolled-back', 'failed'].includes(state.phase) ? new Date().toISOString() : undefined,
    runsSoFar: state.runsSoFar,
  });
  installHandlers(state, control, progress);

  const publish = (force = false) => {
    const percent = percentDone(state.phase, state.counters);
    if (force || Math.abs(percent - lastPercent) >= 5) {
      lastPercent = percent;
      upsertSearchAttributes([
        { key: phaseAttribute, value: state.phase },
        { key: progressAttribute, value: percent },
      ]);
    }
    setCurrentDetails(detailsMarkdown(state, state.validation));
  };
  // Runs that started before bookkeeping moved to local activities keep scheduling regular ones on replay.
  const books = () => (patched('bookkeeping-as-local-activities') ? localBookkeeping : bookkeeping);
  const setPhase = async (phase: Phase) => {
    state.phase = phase;
    publish(true);
    await books().recordPhase({ ...ref, phase, summary: { counters: state.counters, validation: state.validation ?? null } });
  };
  const needsNewRun = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyBudget;
  const handOver = async (): Promise<never> => {
    await condition(allHandlersFinished);
    return continueAsNew<typeof migrationWorkflow>(input, state);
  };
  const noteError = (code: string, message: string, unit?: string) =>
    pushError(state.recentErrors, { at: new Date().toISOString(), code, message, unit });

  /** Waits while paused; returns when resumed. Throws RollbackNow when a rollback is asked instead. */
  const waitWhilePaused = async (reason: string) => {
    state.pausedFrom = state.phase === 'paused' ? state.pausedFrom : state.phase;
    state.pauseReason = reason;
    control.resumeRequested = false;
    await setPhase('paused');
    await condition(() => control.resumeRequested || control.rollbackRequested !== undefined || control.skipRequested !== undefined);
    if (control.rollbackRequested !== undefined) throw new RollbackNow();
    control.resumeRequested = false;
    state.pauseReason = undefined;
    await setPhase(state.pausedFrom ?? 'pending');
    state.pausedFrom = undefined;
  };

  /** A failure the operator must decide on (or that rolls back on its own, by option). */
  const onFailure = async (reason: string) => {
    if (state.options.onFailure === 'rollback') {
      control.rollbackRequested = `automatic rollback: ${reason}`;
      throw new RollbackNow();
    }
    await waitWhilePaused(reason);
  };

  const runGlobal = async (step: GlobalStep) => {
    pushCompensation(state.compensations, { step });
    for (;;) {
      try {
        await work.runGlobalStep({ ...ref, step });
        return;
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        noteError(failureCode(error), `${step} failed: ${failureMessage(error)}`);
        await onFailure(`${step} failed: ${failureMessage(error)}`);
      }
    }
  };

  /** Runs one unit step over every unit, in batches, `concurrency` at a time. */
  const runUnits = async (step: UnitStep) => {
    const total = state.counters.unitsTotal;
    if (!state.cursor || state.cursor.step !== step) {
      state.cursor = { step, next: 0 };
      state.counters.unitsDone = 0;
      state.counters.unitsFailed = 0;
      state.counters.unitsSkipped = 0;
      if (step === 'validate') state.validation = { checked: 0, passed: 0, failed: 0, mismatches: [] };
    }
    const cursor = state.cursor;
    // Ranges to run again (after a resume), carried across continue-as-new.
    const retries: FailedRange[] = state.retryRanges.splice(0);
    const finished: Array<{ range: FailedRange; report?: BatchReport; error?: unknown }> = [];
    let inFlight = 0;
    // Rate cap: units launched since `windowStart` may not run ahead of the allowed rate; short
    // waits are not worth a timer (each is two history events), so small bursts are allowed.
    let windowStart = Date.now();
    let launchedInWindow = 0;
    let windowRate = state.options.throttle.unitsPerSecond;

    const launch = (range: FailedRange) => {
      if (stepsWithUndo.has(step)) pushCompensation(state.compensations, { step, from: range.from, to: range.to });
      inFlight++;
      const label = `${step} units ${range.from}–${range.to - 1} of ${total}`;
      currentUnits.push(label);
      const batch = work.runUnitStep
        .executeWithOptions(
          {
            startToCloseTimeout: '2 hours', heartbeatTimeout: '20 seconds',
            retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
            // On cancellation, wait until the batch has really stopped: its undo must not run before its last write.
            cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            summary: label,
          },
          [{ ...ref, step, fromOrdinal: range.from, toOrdinal: range.to }],
        )
        .then((report) => finished.push({ range, report }), (error) => finished.push({ range, error }))
        .finally(() => {
          inFlight--;
          currentUnits.splice(currentUnits.indexOf(label), 1);
          running.delete(batch);
        });
      running.add(batch);
    };

    const absorb = (item: (typeof finished)[number]) => {
      if (item.report) {
        addBatch(state.counters, item.report, step === 'convert' || step === 'simulate');
        if (step === 'validate' && state.validation) {
          const v = state.validation;
          v.checked += item.report.counters.unitsDone + item.report.counters.unitsFailed + item.report.counters.unitsSkipped;
          v.passed += item.report.counters.unitsDone + item.report.counters.unitsSkipped;
          v.failed += item.report.counters.unitsFailed;
          for (const m of item.report.mismatches) if (v.mismatches.length < 20) v.mismatches.push(m);
        }
        for (const failure of item.report.failures) noteError(failure.code, failure.message, failure.key);
        // In a dry run a failing unit is part of the report, not something to stop for.
        if (item.report.counters.unitsFailed > 0 && step !== 'simulate') state.failedRanges.push(item.range);
      } else {
        if (!(item.error instanceof ActivityFailure) || isCancellation(item.error)) throw item.error;
        const size = item.range.to - item.range.from;
        state.counters.unitsFailed += size;
        if (step === 'validate' && state.validation) {
          state.validation.checked += size;
          state.validation.failed += size;
        }
        noteError(failureCode(item.error), `${step} of units ${item.range.from}–${item.range.to - 1} failed: ${failureMessage(item.error)}`);
        state.failedRanges.push(item.range);
      }
      publish();
    };

    for (;;) {
      while (finished.length) absorb(finished.shift()!);
      const holding = control.pauseRequested !== undefined || control.rollbackRequested !== undefined || state.failedRanges.length > 0 || needsNewRun();
      const hasWork = retries.length > 0 || cursor.next < total;
      if (!holding && hasWork && inFlight < state.options.throttle.concurrency) {
        const rate = state.options.throttle.unitsPerSecond;
        if (rate !== windowRate) {
          windowRate = rate;
          windowStart = Date.now();
          launchedInWindow = 0;
        }
        const wait = rate ? (launchedInWindow / rate) * 1000 - (Date.now() - windowStart) : 0;
        if (wait > 100) {
          await sleep(wait);
          continue;
        }
        const range = retries.shift() ?? { step, from: cursor.next, to: Math.min(total, cursor.next + state.options.batchSize) };
        if (range.from === cursor.next) cursor.next = range.to;
        launchedInWindow += range.to - range.from;
        launch(range);
        continue;
      }
      if (inFlight > 0) {
        await condition(() => finished.length > 0);
        continue;
      }
      if (control.rollbackRequested !== undefined) throw new RollbackNow();
      if (state.failedRanges.length > 0) {
        const failed = state.failedRanges.splice(0);
        const reason = step === 'validate'
          ? `validation failed: ${state.validation?.failed ?? 0} of ${state.validation?.checked ?? 0} units differ`
          : `${step} failed for ${state.counters.unitsFailed} unit(s); resume to retry them, skip them, or roll back`;
        state.failedRanges.push(...failed);
        await onFailure(reason);
        const ranges = state.failedRanges.splice(0);
        if (control.skipRequested !== undefined) {
          let skipped = 0;
          for (const range of ranges) skipped += await books().skipFailedUnits({ ...ref, step, fromOrdinal: range.from, toOrdinal: range.to, reason: control.skipRequested });
          state.counters.unitsFailed -= skipped;
          state.counters.unitsSkipped += skipped;
          if (step === 'validate' && state.validation) {
            state.validation.failed -= skipped;
            state.validation.passed += skipped;
          }
          control.skipRequested = undefined;
        } else {
          // Resume = retry: the activity leaves units the ledger shows as finished alone.
          state.counters.unitsFailed = 0;
          if (step === 'validate' && state.validation) {
            state.validation.checked -= state.validation.failed;
            state.validation.failed = 0;
            state.validation.mismatches = [];
          }
          retries.push(...ranges);
        }
        continue;
      }
      if (control.pauseRequested !== undefined) {
        await waitWhilePaused(control.pauseRequested);
        continue;
      }
      if (needsNewRun() && (cursor.next < total || retries.length > 0)) {
        state.retryRanges.push(...retries.splice(0));
        await handOver();
      }
      if (cursor.next >= total && retries.length === 0) break;
    }
  };

  const rollBack = async () => {
    state.rollbackReason = state.rollbackReason ?? control.rollbackRequested ?? 'requested';
    state.stage = undefined;
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled([...running]);
      await setPhase('rolling-back');
      while (state.compensations.length > 0) {
        const top = state.compensations[state.compensations.length - 1];
        if ('from' in top) {
          const from = Math.max(top.from, top.to - Math.max(1, state.options.batchSize));
          try {
            const report = await undo.rollbackUnitStep.executeWithOptions(
              { startToCloseTimeout: '2 hours', heartbeatTimeout: '20 seconds', retry: { maximumAttempts: 6, maximumInterval: '30 seconds' }, summary: `undo ${top.step} of units ${from}–${top.to - 1}` },
              [{ ...ref, step: top.step, fromOrdinal: from, toOrdinal: top.to }],
            );
            for (const failure of report.failures) {
              pushError(state.rollbackFailures, { at: new Date().toISOString(), unit: failure.key, code: failure.code, message: `undo ${top.step}: ${failure.message}` }, 50);
            }
          } catch (error) {
            if (!(error instanceof ActivityFailure)) throw error;
            pushError(state.rollbackFailures, { at: new Date().toISOString(), code: failureCode(error), message: `undo ${top.step} of units ${from}–${top.to - 1}: ${failureMessage(error)}` }, 50);
          }
          if (from === top.from) state.compensations.pop();
          else state.compensations[state.compensations.length - 1] = { step: top.step, from: top.from, to: from };
        } else {
          try {
            await undo.rollbackGlobalStep({ ...ref, step: top.step });
          } catch (error) {
            if (!(error instanceof ActivityFailure)) throw error;
            pushError(state.rollbackFailures, { at: new Date().toISOString(), code: failureCode(error), message: `undo ${top.step}: ${failureMessage(error)}` }, 50);
          }
          state.compensations.pop();
        }
        publish();
        if (needsNewRun() && state.compensations.length > 0) await handOver();
      }
      await setPhase(state.rollbackFailures.length > 0 ? 'failed' : 'rolled-back');
    });
  };

  const forward = async () => {
    if (!carried) {
      upsertSearchAttributes([{ key: kindAttribute, value: state.kind }, { key: scopeAttribute, value: state.scope }]);
      await books().registerMigration({ ...ref, workflowId: info.workflowId, scope: state.scope, options: state.options });
    }
    while (state.stage && state.stage !== 'done') {
      const stage: Stage = state.stage;
      if (state.optionalSteps && optionalStages.has(stage) && !state.optionalSteps.includes(stage)) {
        state.stage = stages[stages.indexOf(stage) + 1];
        continue;
      }
      if (state.phase !== phaseOfStage[stage]) await setPhase(phaseOfStage[stage]);
      switch (stage) {
        case 'inventory': {
          for (;;) {
            try {
              const listed = await work.runInventory.executeWithOptions(
                { startToCloseTimeout: '2 hours', heartbeatTimeout: '1 minute', retry: { maximumAttempts: 8, maximumInterval: '30 seconds' }, summary: `inventory of ${state.kind} (${state.scope})` },
                [ref],
              );
              state.counters.unitsTotal = listed.unitsTotal;
              // Runs that started before this change ran every stage; they keep doing so on replay.
              if (patched('skip-steps-the-kind-lacks')) state.optionalSteps = [...(listed.optionalSteps ?? [])];
              state.inventoryRecords = listed.records;
              state.inventoryBytes = listed.bytes;
              break;
            } catch (error) {
              if (!(error instanceof ActivityFailure)) throw error;
              noteError(failureCode(error), `inventory failed: ${failureMessage(error)}`);
              await onFailure(`inventory failed: ${failureMessage(error)}`);
            }
          }
          if (state.counters.unitsTotal === 0) {
            noteError('NOTHING_TO_DO', 'inventory found nothing to migrate: everything in scope is already migrated');
            // A kind whose prepare records each run (sync-data's migration_runs) records this one too.
            if (!state.options.dryRun && state.optionalSteps?.includes('prepare') && patched('prepare-when-nothing-to-do')) await runGlobal('prepare');
            state.stage = 'done';
            continue;
          }
          if (state.options.dryRun) {
            await setPhase('convert');
            await runUnits('simulate');
            state.stage = 'done';
            continue;
          }
          break;
        }
        case 'prepare': await runGlobal('prepare'); break;
        case 'backup': await runUnits('backup'); break;
        case 'convert': await runUnits('convert'); break;
        case 'validate': await runUnits('validate'); break;
        case 'approval':
          if (state.options.requireApproval && !state.approved) {
            await condition(() => state.approved || control.rollbackRequested !== undefined);
            if (control.rollbackRequested !== undefined) throw new RollbackNow();
          }
          break;
        case 'cutover': await runUnits('cutover'); break;
        case 'finish-cutover': await runGlobal('finish-cutover'); break;
      }
      state.stage = stages[stages.indexOf(stage) + 1];
      if (needsNewRun() && state.stage !== 'done') await handOver();
    }
    state.cursor = undefined;
    await setPhase('completed');
    const window = state.options.rollbackWindowSeconds ?? 0;
    if (window > 0 && !state.options.dryRun) {
      const asked = await condition(() => control.rollbackRequested !== undefined, window * 1000);
      if (asked) throw new RollbackNow();
    }
  };

  try {
    if (state.phase === 'rolling-back') await rollBack();
    else await forward();
  } catch (error) {
    if (error instanceof RollbackNow) {
      await rollBack();
    } else if (isCancellation(error)) {
      state.rollbackReason = 'the workflow was cancelled';
      await rollBack();
    } else if (error instanceof ActivityFailure || error instanceof ApplicationFailure) {
      noteError(failureCode(error), failureMessage(error));
      if (state.options.onFailure === 'rollback') await rollBack();
      else await setPhase('failed');
    } else {
      throw error;
    }
  }
  publish(true);
  // Even a cancelled workflow lets its handlers finish before it returns the rollback's result.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  log.info('migration finished', { phase: state.phase, migrationId: state.migrationId });
  return { progress: progress(), state };
}

function failureCode(error: ActivityFailure | ApplicationFailure): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.type ? cause.type : 'ACTIVITY_FAILED';
}

function failureMessage(error: ActivityFailure | ApplicationFailure): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause?.message ?? error.message;
}
