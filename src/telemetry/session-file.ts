/**
 * Writes a whole session from an async sequence of laps, widening the column plan and starting
 * again when a lap needs it (a channel that stops being a short decimal). Used by the store and
 * by the migration, which passes a function that re-reads the laps from the source.
 */
import { widenPlan } from './channel-encoding';
import { PlanWidened, ParquetSessionWriter, type WrittenFile } from './session-writer';
import type { ColumnPlan, LapColumns, SessionFileMetadata } from './types';

export interface LapSource {
  /** Yields the session's laps in order; called again after a plan change. */
  laps(): AsyncIterable<{ lap: LapColumns; absent: readonly string[] }>;
}

/** Starting plan: every channel a decimal with scale 0; widened lap by lap as values require. */
export function initialPlan(channels: readonly string[]): ColumnPlan[] {
  return channels.map((name) => ({ name, encoding: 'decimal', scale: 0 }));
}

export async function writeSessionFile(
  finalPath: string,
  channels: readonly string[],
  source: LapSource,
  meta: SessionFileMetadata,
  onLap?: (lapNumber: number, rows: number) => void,
): Promise<WrittenFile & { plan: readonly ColumnPlan[]; restarts: number }> {
  let plan: readonly ColumnPlan[] = initialPlan(channels);
  for (let restarts = 0; ; restarts++) {
    const laps = source.laps()[Symbol.asyncIterator]();
    // The first lap sets the plan before the file is opened, so that only a later lap needing a
    // wider scale (rare in logged data) costs a restart.
    const first = await laps.next();
    if (!first.done) plan = plan.map((c) => widenPlan(c, first.value.lap.channels.get(c.name) ?? null, first.value.lap.length));
    const writer = await ParquetSessionWriter.open(finalPath, plan);
    try {
      for (let next = first; !next.done; next = await laps.next()) {
        const { lap, absent } = next.value;
        await writer.addLap(lap, absent);
        onLap?.(lap.lapNumber, lap.length);
      }
      return { ...(await writer.close(meta)), plan, restarts };
    } catch (error) {
      await laps.return?.();
      await writer.abort();
      if (!(error instanceof PlanWidened)) throw error;
      plan = error.plan;
    }
  }
}
