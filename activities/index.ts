/** Every activity the worker serves, built from one set of dependencies. */
import type { KindFactory } from '../src/engine/kind';
import type { ActivityDeps } from './deps';
import { createHealthCheckActivities } from './health-check';

export function createActivities(deps: ActivityDeps, extraKinds: readonly KindFactory[] = []) {
  void extraKinds;
  return {
    ...createHealthCheckActivities(deps),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
