import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run: `npm test` prints one summary for both, `npm run test:unit` and
 * `npm run test:integration` pick one with `--project`. Unit tests live next to the code and use
 * nothing beyond loopback fakes started in-process; integration tests start emulators, slapd, Redis
 * queues, child processes and the helm binary.
 */
export default defineConfig({
  test: {
    globals: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
    ],
  },
});
