/** What every activity factory receives: clients and configuration, never module-level globals. */
import type { FerryConfig } from '../src/config';
import type { Database } from '../src/db/connect';
import type { Logger } from '../src/log';

export interface ActivityDeps {
  readonly db: Database;
  readonly config: FerryConfig;
  readonly log: Logger;
}
