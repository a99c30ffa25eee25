import { defineConfig } from 'vitest/config';

// `npm run faults`: the randomized fault rounds (test/faults/), on the same embedded services and
// in the same way as `npm test` (vitest.config.ts), with room for long rounds.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
