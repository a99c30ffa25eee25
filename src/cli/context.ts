/** The configuration and logger every command uses, read once on first use. */
import { loadConfig, type FerryConfig } from '../config';
import { createLogger, type Logger } from '../log';

export type CliContext = () => { readonly config: FerryConfig; readonly log: Logger };

let cached: { config: FerryConfig; log: Logger } | undefined;

export const cliContext: CliContext = () => {
  if (!cached) {
    const config = loadConfig();
    cached = { config, log: createLogger(config.logLevel) };
  }
  return cached;
};
