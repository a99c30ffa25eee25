/**
 * `npm run setup`: makes sure a Temporal CLI is available for the embedded dev server, building it
 * once from the Go module proxy when none is found. The tests and `ferry dev` do the same on
 * demand; running it ahead just moves the one-time build to a moment of your choosing.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { buildTemporalCli, findTemporalCli, goIsAvailable } from '../src/runtime/temporal-cli';

const config = loadConfig();
const log = createLogger(config.logLevel);
if (config.temporal.address) {
  log.info(`TEMPORAL_ADDRESS is set (${config.temporal.address}): no local Temporal CLI is needed.`);
} else {
  const found = findTemporalCli(config.temporal, config.toolsDir);
  if (found) {
    log.info(`Temporal CLI: ${found.path} (${found.source}).`);
  } else if (goIsAvailable()) {
    const built = await buildTemporalCli(config.temporal, config.toolsDir, log);
    log.info(`Temporal CLI built: ${built.path}.`);
  } else {
    log.warn('No Temporal CLI and no Go: `ferry dev` will let the Temporal SDK download the dev server (needs internet).');
  }
}
