// The unit tests the mutation runs use (npm run test:mutation): tests that run the code in this process. Tests
// that spawn the CLI as a child process cannot see a mutant (Stryker switches mutants in the test process), so
// they are left out here; they run in `npm test`.
import { defineConfig } from 'vitest/config';

const SCOPE = process.env.MUTATION_SCOPE ?? 'engine';

export default defineConfig({
  test: {
    include: SCOPE === 'engine' ? ['test/econometrics/**/*.test.ts'] : ['test/pipelines/**/*.test.ts'],
    exclude: [
      'test/pipelines/runner/atomic.test.ts', 'test/pipelines/runner/bad-input.test.ts', 'test/pipelines/runner/rebuild.test.ts',
      'test/pipelines/runner/lock.test.ts', 'test/pipelines/runner/raw-files.test.ts', 'test/pipelines/runner/code-graph.test.ts',
      'test/pipelines/estimate/**', 'test/pipelines/core/data-tests.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
  },
});
