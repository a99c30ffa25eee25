/**
 * The app-facing telemetry store: one Parquet file per session, `<dir>/<sessionId>.parquet`, one
 * row group per lap, every value read back as the exact float64 written (NULL, NaN, ±Infinity and
 * -0 included). Writes are atomic (temporary name, then rename).
 */
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeSessionFile } from './session-file';
import { ParquetSessionReader } from './session-reader';
import { lapToPoints, pointsToLap } from './points';
import { standardChannels, type LapTelemetry, type SessionTelemetry, type TelemetryStorage } from './types';

export function sessionFilePath(dir: string, sessionId: number): string {
  if (!Number.isSafeInteger(sessionId) || sessionId <= 0) throw new Error(`session id ${sessionId} is not a positive integer`);
  return path.join(dir, `${sessionId}.parquet`);
}

/** The channel columns of a session file, in order: the standard ones, then the auxiliary ones. */
export function sessionChannels(auxiliaryChannels: readonly string[]): string[] {
  return [...standardChannels, ...auxiliaryChannels.filter((name) => !(standardChannels as readonly string[]).includes(name))];
}

export function createParquetTelemetryStorage(dir: string): TelemetryStorage {
  return {
    async write(sessionId, data) {
      const channels = sessionChannels(data.auxiliaryChannels);
      await writeSessionFile(sessionFilePath(dir, sessionId), channels, {
        handsOverLaps: true,
        async *laps() {
          for (const lap of data.laps) yield pointsToLap(lap, channels);
        },
      }, { sessionId, importedAt: data.metadata.importedAt, sourceType: data.metadata.sourceType, auxiliaryChannels: data.auxiliaryChannels });
    },
    async read(sessionId) {
      const reader = await openIfExists(sessionFilePath(dir, sessionId));
      if (!reader) return null;
      try {
        const laps: LapTelemetry[] = [];
        for (let i = 0; i < reader.lapCount; i++) laps.push(lapToPoints(await reader.readLapAt(i)));
        const { info } = reader;
        return {
          sessionId: info.sessionId,
          laps,
          auxiliaryChannels: [...info.auxiliaryChannels],
          metadata: { importedAt: info.importedAt, sourceType: info.sourceType, channelCount: info.channelCount, totalPoints: info.totalPoints },
        } satisfies SessionTelemetry;
      } finally {
        await reader.close();
      }
    },
    async readLap(sessionId, lapNumber) {
      const reader = await openIfExists(sessionFilePath(dir, sessionId));
      if (!reader) return null;
      try {
        const index = reader.indexOfLap(lapNumber);
        return index < 0 ? null : lapToPoints(await reader.readLapAt(index));
      } finally {
        await reader.close();
      }
    },
    async exists(sessionId) {
      return access(sessionFilePath(dir, sessionId)).then(() => true, () => false);
    },
    async delete(sessionId) {
      await rm(sessionFilePath(dir, sessionId), { force: true });
    },
  };
}

async function openIfExists(file: string): Promise<ParquetSessionReader | null> {
  try {
    return await ParquetSessionReader.open(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
