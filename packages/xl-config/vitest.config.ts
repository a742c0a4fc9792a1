import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'xl-config',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 30_000,
  },
});
