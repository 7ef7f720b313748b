/**
 * Ctrl-C during an in-process sync, through the built binary: no new operation starts, those in
 * flight finish, and the run says "interrupted" (exit 12) with counts that match what AWS received,
 * never "partial failure".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { logLines, makePod, podEnv, start, waitFor, writeConfig } from './cli-process.js';
import { writeDirectory } from './directory.js';

const TOKEN = 'canary-interrupt-scim-token-8e2c4b19';
const USERS = 60;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
});
afterAll(async () => emulator.close());

describe('sync interrupted by SIGINT', () => {
  it('exits 12 with status interrupted and counts that match the writes AWS received', async () => {
    const pod = await makePod({ 'scim-token': TOKEN });
    await writeConfig(pod, {
      sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      // Slow enough that the run is still applying when the signal arrives.
      sync: { rateLimit: { requestsPerSecond: 10, burst: 1 }, concurrency: 1 },
      state: { path: join(pod.stateDir, 'state.json') },
    });
    const sync = start(['sync', '--config', pod.configPath, '--json'], podEnv());
    await waitFor('the first write', () =>
      logLines(sync.stderr).some((l) => l.msg === 'audit: SCIM write applied') ? true : undefined,
    );
    const exited = await sync.interrupt().finally(() => sync.kill());
    expect(exited.code).toBe(12);
    const { report } = JSON.parse(exited.stdout) as {
      report: {
        status: string;
        message: string;
        plan: { operations: number };
        applied: { applied: number; failed: number; skipped: number };
      };
    };
    expect(report.status).toBe('interrupted');
    expect(report.message).toContain('received SIGINT');
    const { applied, failed, skipped } = report.applied;
    expect(applied + failed + skipped).toBe(report.plan.operations);
    expect(skipped).toBeGreaterThan(0);
    expect(failed).toBe(0);
    expect(applied).toBe(emulator.writes().filter((w) => w.status >= 200 && w.status < 300).length);
    expect(report.message).toContain(`${applied} operation(s) applied, 0 failed, ${skipped} not started`);
  });
});
