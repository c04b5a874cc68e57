import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // commands started by tests run the compiled JavaScript of the current sources
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // two cores: heavy suites (pipeline build, bootstrap) must not fight each other
    maxWorkers: 2,
  },
});
