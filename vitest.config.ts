import { defineConfig } from 'vitest/config';

/**
 * One Vitest run over every workspace package (used by `pnpm test`); each package keeps its own
 * vitest.config.ts for `pnpm --filter <pkg> test`. The Playwright suites in e2e/ are not Vitest's.
 */
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'lab'],
  },
});
