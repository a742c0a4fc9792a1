import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'lab', include: ['test/**/*.test.ts'], environment: 'node' },
});
