/** Routes the Temporal SDK's own logging through Ferry's level (the SDK logs every state change at INFO). */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

export function installSdkLogging(level: string): void {
  if (installed) return;
  installed = true;
  const sdkLevel: LogLevel = level === 'debug' ? 'DEBUG' : level === 'error' ? 'ERROR' : 'WARN';
  try {
    Runtime.install({ logger: new DefaultLogger(sdkLevel) });
  } catch {
    // Already instantiated by an earlier SDK call in this process: keep its logger.
  }
}
