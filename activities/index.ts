/** Every activity the worker serves, built from one set of dependencies. */
import type { KindFactory } from '../src/engine/kind';
import type { ActivityDeps } from './deps';
import { createEngineActivities } from './engine';
import { createHealthCheckActivities } from './health-check';
import { createMaintenanceActivities } from './maintenance';

export function createActivities(deps: ActivityDeps, extraKinds: readonly KindFactory[] = []) {
  return {
    ...createHealthCheckActivities(deps),
    ...createEngineActivities(deps, extraKinds),
    ...createMaintenanceActivities(deps),
  };
}

export type FerryActivities = ReturnType<typeof createActivities>;
