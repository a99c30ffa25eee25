/** Every activity the worker serves, built from one set of dependencies. */
import type { ActivityDeps } from './deps';
import { createHealthCheckActivities } from './health-check';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createHealthCheckActivities(deps),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
