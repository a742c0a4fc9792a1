import { defineConfig } from 'vitest/config';

// The lab runs these tests inside dom0, where the repository is mounted read-only: keep vite's
// cache out of the tree (vitest 4 keeps its results cache under cacheDir too).
export default defineConfig({
  cacheDir: '/tmp/xendeck-storage-vite-cache',
  test: {
    name: 'storage',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
