/**
 * `icsync sync --queue` when no worker takes the jobs, as an operator meets it with the built binary:
 * it must not wait forever. With no worker heartbeat for `queue.workerWaitMs` it stops with exit 13
 * and withdraws what it queued; SIGINT or SIGTERM stops the wait at once with exit 12 and true counts.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { WorkerHeartbeat } from '../../src/queue/heartbeat.js';
import { logLines, makePod, podEnv, start, waitFor, writeConfig, type Exited, type Pod } from './cli-process.js';
import { writeDirectory } from './directory.js';
import { drainPrefix, REDIS_URL, uniquePrefix } from './redis-keys.js';

const TOKEN = 'canary-noworker-scim-token-5d1e2f3a';
const USERS = 5;
const QUEUE = 'icsync-scim';
const HEARTBEAT_MS = 200;
const prefix = uniquePrefix('noworker');

let emulator: RunningEmulator;
let redis: Redis;
let queue: Queue;
let heartbeat: WorkerHeartbeat | undefined;

interface Report {
  status: string;
  exitCode: number;
  message: string;
  plan: { operations: number };
  applied: { applied: number; failed: number; skipped: number };
}

async function podWith(workerWaitMs: number): Promise<Pod> {
  const pod = await makePod({ 'scim-token': TOKEN });
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    state: { path: join(pod.stateDir, 'state.json') },
    redis: { url: REDIS_URL, keyPrefix: prefix },
    queue: { name: QUEUE, pollIntervalMs: 50, workerHeartbeatMs: HEARTBEAT_MS, workerWaitMs },
  });
  return pod;
}

function reportOf(exited: Exited): Report {
  return (JSON.parse(exited.stdout) as { report: Report }).report;
}

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  queue = new Queue(QUEUE, { connection: redis, prefix });
});

afterEach(async () => {
  await heartbeat?.stop();
  heartbeat = undefined;
});

afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await emulator.close();
  await drainPrefix(prefix);
});

describe('sync --queue without a worker', () => {
  it('stops with exit 13 once no worker heartbeat was seen for queue.workerWaitMs, queueing nothing', async () => {
    const pod = await podWith(1_000);
    const sync = start(['sync', '--queue', '--config', pod.configPath, '--json'], podEnv());
    const exited = await sync.exited.finally(() => sync.kill());
    expect(exited.code).toBe(13);
    const report = reportOf(exited);
    expect(report).toMatchObject({ status: 'no-worker', exitCode: 13 });
    expect(report.message).toContain("Start 'icsync worker'");
    expect(report.applied).toMatchObject({ applied: 0, failed: 0, skipped: report.plan.operations });
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
    expect(emulator.writes()).toHaveLength(0);
  });

  it('withdraws queued jobs when the only worker stops beating mid-run', async () => {
    const pod = await podWith(1_000);
    heartbeat = new WorkerHeartbeat(redis, prefix, QUEUE, HEARTBEAT_MS);
    heartbeat.start(() => undefined);
    const sync = start(['sync', '--queue', '--config', pod.configPath, '--json'], podEnv());
    // A worker that beats but takes nothing (stuck), then dies: the jobs must not stay queued.
    await waitFor('jobs to be queued', async () =>
      (await queue.getJobCountByTypes('waiting')) > 0 ? true : undefined,
    );
    await heartbeat.stop();
    const exited = await sync.exited.finally(() => sync.kill());
    expect(exited.code).toBe(13);
    expect(reportOf(exited).applied).toMatchObject({ applied: 0, skipped: reportOf(exited).plan.operations });
    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops the wait with exit 12 (interrupted) and true counts, and withdraws queued jobs',
    async (signal) => {
      const pod = await podWith(600_000);
      heartbeat = new WorkerHeartbeat(redis, prefix, QUEUE, HEARTBEAT_MS);
      heartbeat.start(() => undefined);
      const sync = start(['sync', '--queue', '--config', pod.configPath, '--json'], podEnv());
      await waitFor('jobs to be queued', async () =>
        (await queue.getJobCountByTypes('waiting')) > 0 ? true : undefined,
      );
      const exited = await (signal === 'SIGINT' ? sync.interrupt() : sync.stop()).finally(() => sync.kill());
      expect(exited.code).toBe(12);
      const report = reportOf(exited);
      expect(report).toMatchObject({ status: 'interrupted', exitCode: 12 });
      expect(report.message).toContain(`received ${signal}`);
      expect(report.applied).toMatchObject({ applied: 0, failed: 0, skipped: report.plan.operations });
      expect(logLines(exited.stderr).some((l) => l.msg === 'queued operations withdrawn from the queue')).toBe(true);
      expect(await queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
    },
  );
});
