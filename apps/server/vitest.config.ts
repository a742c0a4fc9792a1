import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    // Tests share nothing (each builds its app on a temp state dir), but argon2 and sqlite are
    // native: one fork keeps the 2-core machine responsive.
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 15_000,
  },
});
