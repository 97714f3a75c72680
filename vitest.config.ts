import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/build-dist.ts'],
    setupFiles: ['test/setup/no-leftovers.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Integration tests spawn worker processes and private Redis servers; on a 2-core
    // machine running files side by side makes them fight for CPU and flake.
    fileParallelism: false,
  },
});
