/** `icsync sync` pushes its outcome to the configured Pushgateway when the run ends (metrics.pushgateway). */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'pushgateway-cli-scim-token-canary';

function icsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('icsync sync with metrics.pushgateway', () => {
  it('PUTs the run outcome and the last success; the token appears in neither', async () => {
    const bodies: { path: string; body: string }[] = [];
    const gw = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push({ path: req.url!, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => gw.listen(0, '127.0.0.1', r));
    const emulator = await startEmulator({ tokens: [TOKEN] });
    try {
      const dir = await mkdtemp(join(tmpdir(), 'icsync-push-'));
      const config = join(dir, 'icsync.yaml');
      const sample = JSON.stringify(join(ROOT, 'examples', 'sample-directory.json'));
      const gwUrl = `http://127.0.0.1:${(gw.address() as AddressInfo).port}`;
      await writeFile(
        config,
        `sources:\n  - { type: file, id: demo-hr, path: ${sample} }\ntarget:\n  baseUrl: ${emulator.baseUrl}\n  token: { env: SCIM_TOKEN }\n  allowLocalEmulator: true\nsync:\n  rateLimit: { requestsPerSecond: 200, burst: 20 }\nstate:\n  path: ${JSON.stringify(join(dir, 'state.json'))}\nmetrics:\n  pushgateway: { url: ${gwUrl}, job: icsync-test, timeoutMs: 30000 }\n  scimTokenExpiresAt: 2027-06-30\n`,
      );
      const run = await icsync(['sync', '--config', config], { SCIM_TOKEN: TOKEN });
      expect(run.code, run.stderr).toBe(0);
      expect(
        bodies.map((b) => b.path),
        run.stderr,
      ).toEqual(['/metrics/job/icsync-test', '/metrics/job/icsync-test/result/success']);
      expect(bodies[0]!.body).toContain('icsync_sync_last_run_exit_code 0');
      expect(bodies[0]!.body).toContain('icsync_scim_token_expiry_timestamp_seconds');
      expect(bodies.map((b) => b.body).join('')).not.toContain(TOKEN);
    } finally {
      await emulator.close();
      gw.close();
    }
  }, 60_000);
});
