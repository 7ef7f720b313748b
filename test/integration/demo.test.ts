import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

describe('npm run demo', () => {
  it('exits 0 with converged membership under 3 s of read-after-write lag and the default emulator rate limit (https://github.com/awslabs/ssosync/issues/42)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/demo.ts')], {
      cwd: ROOT,
      env: { ...process.env, ICSYNC_DEMO_LAG_MS: '3000' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stdout).toMatch(/sync applied the plan, the rerun was a no-op/);
    expect(stdout).toMatch(/throttled \(429\) [1-9]\d* time\(s\)/);
    expect(stdout).toMatch(/answered 404 by read-after-write lag and retried: [1-9]/);
    expect(code).toBe(0);
  }, 120_000);
});
