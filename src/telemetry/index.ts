/** Telemetry storage for apps and for the telemetry-to-parquet migration. */
export * from './types';
export { createParquetTelemetryStorage, sessionFilePath, sessionChannels } from './parquet-store';
export { ParquetSessionReader } from './session-reader';
export { ParquetSessionWriter, PlanWidened, type WrittenFile } from './session-writer';
export { writeSessionFile, type LapSource } from './session-file';
export { lapToPoints, pointsToLap } from './points';
