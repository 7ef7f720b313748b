import { defineConfig } from 'vitest/config';

/**
 * Three projects, one run: `npm test` prints one summary for all, `npm run test:unit` and
 * `npm run test:integration` pick with `--project`. Unit tests live next to the code and use
 * nothing beyond loopback fakes started in-process; integration tests start emulators, slapd, Samba,
 * Redis queues and the helm binary; process tests run the built CLI as child processes.
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
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/process/**'] },
      },
      {
        extends: true,
        test: {
          // The built dist/cli/main.js as child processes, one file at a time and after the rest
          // of the suite, so their CPU use does not compete with the other tests.
          name: 'process',
          include: ['test/process/**/*.test.ts'],
          globalSetup: ['test/process/build.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
