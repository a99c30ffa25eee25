/** Polls a migration's progress until a condition holds (tests act mid-phase with it). */
import type { MigrationHandle } from '../../src/engine/client';
import { progressQuery } from '../../workflows/migration-api';
import type { Progress } from '../../src/engine/types';

export async function waitForProgress(handle: MigrationHandle, until: (progress: Progress) => boolean, timeoutMs = 60_000): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  let last: Progress | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(progressQuery);
      if (until(last)) return last;
    } catch {
      // The workflow may not have run its first task yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`Condition not reached within ${timeoutMs} ms; last progress: ${JSON.stringify(last)}`);
}
