/** Turns a step's error into a unit outcome: bad input fails the unit; a flaky dependency is rethrown (retry). */
import { FerryError } from '../../src/errors';
import type { UnitOutcome } from '../../src/engine/types';

export function failure(key: string, error: unknown): UnitOutcome {
  if (error instanceof FerryError && !error.retryable) return { key, status: 'failed', error: { code: error.code, message: error.message } };
  throw error;
}
