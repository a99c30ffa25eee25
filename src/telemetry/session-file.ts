/**
 * Writes a whole session from an async sequence of laps, widening the column plan and starting
 * again when a lap after the first needs it (a channel that stops being a short decimal). Used by
 * the store and by the migration, which passes a function that re-reads the laps from the source.
 */
import type { RawLap } from './raw-lap';
import { PlanWidened, ParquetSessionWriter, type WrittenFile } from './session-writer';
import type { ColumnPlan, LapColumns, SessionFileMetadata } from './types';

export interface LapSource {
  /** Yields the session's laps in order; called again after a plan change. */
  laps(): AsyncIterable<{ lap: LapColumns | RawLap; absent: readonly string[] }>;
  /** True when a yielded lap is not used afterwards, so its arrays may move to the encoder thread. */
  readonly handsOverLaps?: boolean;
}

/** Starting plan: every channel a decimal with scale 0; the first lap widens it as its values require. */
export function initialPlan(channels: readonly string[]): ColumnPlan[] {
  return channels.map((name) => ({ name, encoding: 'decimal', scale: 0 }));
}

export async function writeSessionFile(
  finalPath: string,
  channels: readonly string[],
  source: LapSource,
  meta: SessionFileMetadata,
  onLap?: (lapNumber: number, rows: number) => void,
): Promise<WrittenFile & { restarts: number }> {
  let plan: readonly ColumnPlan[] = initialPlan(channels);
  for (let restarts = 0; ; restarts++) {
    const writer = await ParquetSessionWriter.open(finalPath, plan);
    const laps = source.laps()[Symbol.asyncIterator]();
    try {
      for (let next = await laps.next(); !next.done; next = await laps.next()) {
        const { lap, absent } = next.value;
        const { lapNumber, length } = lap;
        await writer.addLap(lap, absent, source.handsOverLaps);
        onLap?.(lapNumber, length);
      }
      return { ...(await writer.close(meta)), restarts };
    } catch (error) {
      await laps.return?.();
      await writer.abort();
      if (!(error instanceof PlanWidened)) throw error;
      plan = error.plan;
    }
  }
}
