/**
 * The one list of migration kinds. The worker, the CLI and the engine's activities find kinds
 * here and nowhere else; workflows only ever see a kind's id.
 */
import type { KindFactory, MigrationKind } from '../src/engine/kind';
import type { ActivityDeps } from './deps';
import { kindFactory as telemetryToParquet } from './telemetry-to-parquet';
import { kindFactory as backendToSyncData } from './backend-to-sync-data';
import { kindFactory as monolithicToChunked } from './monolithic-to-chunked';
import { kindFactory as csvToRuns } from './csv-to-runs';

/** Built-in kinds, by id. Each kind's folder adds its line here. */
export const builtInKinds: Readonly<Record<string, KindFactory>> = {
  'telemetry-to-parquet': telemetryToParquet,
  'backend-to-sync-data': backendToSyncData,
  'monolithic-to-chunked': monolithicToChunked,
  'csv-to-runs': csvToRuns,
};

/** Instantiates every kind for one worker; `extra` adds kinds defined elsewhere (tests). */
export function createKinds(deps: ActivityDeps, extra: readonly KindFactory[] = []): Map<string, MigrationKind> {
  const kinds = new Map<string, MigrationKind>();
  for (const factory of [...Object.values(builtInKinds), ...extra]) {
    const kind = factory(deps);
    kinds.set(kind.id, kind);
  }
  return kinds;
}
