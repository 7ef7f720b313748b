/**
 * `icsync sync --queue` when the workers cannot connect to the AWS SCIM endpoint (connection
 * refused) while the producer read it: the run ends as an in-process run does, with exit 11, the
 * same one-line message naming the host and what to check, and true counts, not as a partial
 * failure (exit 4) after every queued operation failed one by one.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import {
  freePort,
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

const TOKEN = 'canary-queue-unreachable-token-7b2c4d'; // test-only token for the local emulator
const USERS = 6;
const prefix = uniquePrefix('unreachable');

let emulator: RunningEmulator;
let worker: IcsyncProcess | undefined;

interface Report {
  status: string;
  exitCode: number;
  message: string;
  plan: { operations: number };
  applied: { applied: number; failed: number; skipped: number };
}

/** A producer or worker pod: the same directory, Redis prefix and queue, its own target URL. */
async function podFor(baseUrl: string): Promise<Pod> {
  const pod = await makePod({ 'scim-token': TOKEN });
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { concurrency: 1, maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 100 },
    state: { path: join(pod.stateDir, 'state.json') },
    redis: { url: REDIS_URL, keyPrefix: prefix },
    queue: { pollIntervalMs: 50 },
  });
  return pod;
}

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
});

afterAll(async () => {
  worker?.kill();
  await emulator.close();
  await drainPrefix(prefix);
});

describe('sync --queue with workers that cannot reach AWS', () => {
  it('ends with exit 11 and the in-process message, not exit 4, with true counts and no write', async () => {
    const port = await freePort();
    const workerPod = await podFor(`http://127.0.0.1:${port}/scim/v2`);
    const producerPod = await podFor(emulator.baseUrl);
    worker = start(['worker', '--config', workerPod.configPath], podEnv());
    await waitFor('the worker to start', () =>
      logLines(worker!.stderr).some((l) => l.msg === 'worker started') ? true : undefined,
    );
    const sync = await run(['sync', '--queue', '--config', producerPod.configPath, '--json'], podEnv());
    expect(sync.code).toBe(11);
    const { report } = JSON.parse(sync.stdout) as { report: Report };
    expect(report).toMatchObject({ status: 'target-unavailable', exitCode: 11 });
    expect(report.message).toMatch(
      new RegExp(
        `^cannot reach the AWS SCIM endpoint 127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\); check [^.]+\\. The run stopped: 0 operation\\(s\\) applied, 1 failed, ${report.plan.operations - 1} not started; the next run re-plans\\.$`,
      ),
    );
    expect(report.applied).toMatchObject({ applied: 0, failed: 1, skipped: report.plan.operations - 1 });
    expect(emulator.writes()).toHaveLength(0);
    expect((await worker.stop()).code).toBe(0);
  });
});
