import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * vitest globalSetup: compile src/ to dist/ once per test run, so the process tests start the same
 * `dist/cli/main.js` the image runs (the package's `icsync` binary), never a stale build.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')],
    { cwd: root, stdio: 'inherit' },
  );
}
