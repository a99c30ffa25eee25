/** A minimal logger for Ferry's own messages (not the Temporal SDK's): to stderr, so stdout stays data. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const levels = ['debug', 'info', 'warn', 'error'] as const;

export function createLogger(level = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = Math.max(0, levels.indexOf(level as (typeof levels)[number]));
  const at = (index: number) => (message: string) => {
    if (index >= threshold) write(`ferry ${levels[index]}: ${message}\n`);
  };
  return { debug: at(0), info: at(1), warn: at(2), error: at(3) };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
