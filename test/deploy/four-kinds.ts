/**
 * The four built-in kinds, each seeded with tiny sample data (seconds, not minutes) through its own
 * `seed`, and each run to completion through Temporal on the test's task queue — what a person would
 * see in the Web UI after the demo, only smaller.
 */
import { builtInKinds } from '../../activities/registry';
import { startMigration, type MigrationHandle } from '../../src/engine/client';
import { defaultOptions } from '../../src/engine/step-run';
import { silentLogger } from '../../src/log';
import type { TestContext } from '../support/harness';

/** Seed options per kind (the values `ferry seed <kind>` parses its flags to), kept tiny. */
export const tinySeeds: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'telemetry-to-parquet': { sessions: 2, laps: 2, samples: 200, seed: 11 },
  'csv-to-runs': { files: 2, rows: 100, seed: 12 },
  'backend-to-sync-data': { users: 3, entries: 60, seed: 13 },
  'monolithic-to-chunked': { sessions: 8, large: 0, seed: 14 },
};

export const fourKinds = Object.keys(tinySeeds);

export interface KindRun {
  readonly kind: string;
  readonly handle: MigrationHandle;
  readonly phase: string;
}

/**
 * Seeds every built-in kind (one after another: two of them create the same application tables),
 * then starts the four migrations together over their default scope and waits for their ends.
 */
export async function runFourKinds(t: TestContext): Promise<KindRun[]> {
  const deps = { db: t.db, config: t.config, log: silentLogger };
  if (new Set(fourKinds).size !== Object.keys(builtInKinds).length || !fourKinds.every((k) => k in builtInKinds)) {
    throw new Error(`The Web UI test seeds ${fourKinds.join(', ')}; the built-in kinds are ${Object.keys(builtInKinds).join(', ')}`);
  }
  const kinds = fourKinds.map((id) => builtInKinds[id](deps));
  for (const kind of kinds) {
    if (!kind.seed) throw new Error(`Kind ${kind.id} has no seed`);
    await kind.seed.run(deps, tinySeeds[kind.id]);
  }
  return Promise.all(kinds.map(async (kind) => {
    const filters = {};
    const handle = await startMigration(t.client, {
      kind: kind.id,
      scope: kind.scope(filters),
      options: defaultOptions({ batchSize: 5, throttle: { concurrency: 2 }, filters }),
      taskQueue: t.taskQueue,
    });
    const { progress } = await handle.result();
    return { kind: kind.id, handle, phase: progress.phase };
  }));
}
