/** `ferry seed backend-to-sync-data --users N --entries M --seed S [--mutate P]`. */
import type { SeedSpec } from '../../src/engine/kind';
import { FerryError } from '../../src/errors';
import { createApplicationTables } from '../../src/db/apply-migrations';
import { mutateSampleData, seedSampleData } from '../../src/sync-data/sample-data';

function count(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new FerryError('BAD_FLAG', `--${name} "${value}" is not a whole number ≥ 0`);
    return n;
  };
}

export const seed: SeedSpec = {
  flags: [
    { flag: '--users <n>', description: 'users (default 50)', parse: count('users') },
    { flag: '--entries <n>', description: 'logbook entries; goals are a tenth and practice sessions three tenths of that (default 1000)', parse: count('entries') },
    { flag: '--seed <n>', description: 'random seed: the same seed gives the same data (default 1)', parse: count('seed') },
    {
      flag: '--mutate <fraction>', description: 'instead of seeding, change 60%, add 20% and delete 20% of this fraction of the existing records',
      parse: (value) => {
        const p = Number(value);
        if (!(p > 0 && p <= 1)) throw new FerryError('BAD_FLAG', `--mutate "${value}" must be a fraction in (0, 1]`);
        return p;
      },
    },
  ],
  async run(deps, options) {
    await createApplicationTables(deps.db.pool);
    const seedValue = Number(options.seed ?? 1);
    const users = Number(options.users ?? 50);
    if (options.mutate !== undefined) {
      const m = await mutateSampleData(deps.db.pool, Number(options.mutate), seedValue, users);
      return `backend tables mutated (seed ${seedValue}): ${m.changed} changed, ${m.added} added, ${m.deleted} deleted`;
    }
    const c = await seedSampleData(deps.db.pool, { users, entries: Number(options.entries ?? 1000), seed: seedValue });
    return `backend tables seeded (seed ${seedValue}, ${users} users): ${c.logbookEntries} logbook entries, ${c.goals} goals, ${c.practiceSessions} practice sessions`;
  },
};
