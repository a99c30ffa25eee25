/** Every activity the worker serves, built from one set of dependencies. */
import type { KindFactory } from '../src/engine/kind';
import type { ActivityDeps } from './deps';
import { createEngineActivities } from './engine';
import { createHealthCheckActivities } from './health-check';

export function createActivities(deps: ActivityDeps, extraKinds: readonly KindFactory[] = []) {
  return {
    ...createHealthCheckActivities(deps),
    ...createEngineActivities(deps, extraKinds),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
