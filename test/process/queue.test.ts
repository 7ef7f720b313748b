/**
 * Queue mode as the chart runs it: `icsync worker` pods and `icsync sync --queue` as child
 * processes of the built binary, Redis for the queue and the state (`state.kind: redis`), the SCIM
 * token as a mounted file. Checked from outside: the worker's log and exit on SIGTERM, the
 * producer's exit code and report, what AWS holds afterwards, and no token in output or Redis.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import {
  logLines,
  makePod,
  podEnv,
  run,
  start,
  waitFor,
  writeConfig,
  type IcsyncProcess,
  type Pod,
} from './cli-process.js';
import { writeDirectory } from './directory.js';
import { drainPrefix, REDIS_URL, uniquePrefix } from './redis-keys.js';

const TOKEN = 'canary-queue-scim-token-91c3e0aa';
const USERS = 8;
const prefix = uniquePrefix('queue');

let emulator: RunningEmulator;
let pod: Pod;
let worker: IcsyncProcess | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  pod = await makePod({ 'scim-token': TOKEN });
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 200, burst: 20 } },
    state: { kind: 'redis' },
    redis: { url: REDIS_URL, keyPrefix: prefix },
    queue: { enabled: false, pollIntervalMs: 50 },
  });
});

afterEach(() => worker?.kill());

afterAll(async () => {
  await emulator.close();
  await drainPrefix(prefix);
});

describe('queue mode as deployed', () => {
  it('sync --queue hands the plan to a running worker, which applies it; the worker stops on SIGTERM with exit 0', async () => {
    worker = start(['worker', '--config', pod.configPath], podEnv());
    await waitFor('the worker to start', () =>
      logLines(worker!.stderr).some((l) => l.msg === 'worker started') ? true : undefined,
    );
    const sync = await run(['sync', '--queue', '--config', pod.configPath, '--json'], podEnv());
    expect(sync.code).toBe(0);
    const out = JSON.parse(sync.stdout) as {
      report: { status: string; applied: { failed: number } };
      plan: { operations: unknown[] };
    };
    expect(out.report).toMatchObject({ status: 'success', applied: { failed: 0 } });
    expect(emulator.users()).toHaveLength(USERS);
    expect(emulator.groups()).toHaveLength(2);
    expect(emulator.writes().length).toBeGreaterThanOrEqual(out.plan.operations.length);
    const stopped = await worker.stop();
    expect(stopped.code).toBe(0);
    expect(logLines(stopped.stderr).map((l) => l.msg)).toContain('worker stopped');
    const rerun = await run(['sync', '--queue', '--config', pod.configPath, '--json'], podEnv());
    expect(rerun.code).toBe(0);
    expect((JSON.parse(rerun.stdout) as { plan: { operations: unknown[] } }).plan.operations).toEqual([]);
    const outputs = [sync, stopped, rerun].map((r) => r.stdout + r.stderr).join('');
    expect(outputs + (await drainPrefix(prefix))).not.toContain(TOKEN);
  });
});
