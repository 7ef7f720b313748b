/**
 * Queue mode against real Redis (127.0.0.1:6379, a unique key prefix per test) and the emulator:
 * workers share the rate limit, 429s pause the queue, killed workers and restarted Redis recover,
 * the run lock admits one run, and no credential reaches Redis.
 */
import { WorkerHeartbeat } from '../../src/queue/heartbeat.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { UnrecoverableError, Worker } from 'bullmq';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RedisUnavailableError } from '../../src/errors.js';
import { checkRedis, createRedis } from '../../src/queue/connection.js';
import { acquireRunLock } from '../../src/queue/run-lock.js';
import { limiterFor } from '../../src/queue/worker.js';
import { group, snapshot, user } from '../helpers/builders.js';
import { startPrivateRedis, startQueueHarness, TOKEN, type QueueHarness } from '../helpers/queue-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i).padStart(3, '0')}`);
const dir = (n: number) =>
  snapshot(
    ids(n).map((id) => user(id)),
    [group('all', ids(n))],
  );

let h: QueueHarness | undefined;

/** `icsync worker` as a separate process, configured like the harness; tests that start one get 60 s. */
async function spawnWorker(harness: QueueHarness): Promise<ChildProcess> {
  const configPath = join(await mkdtemp(join(tmpdir(), 'icsync-worker-')), 'worker.yaml');
  await writeFile(
    configPath,
    JSON.stringify({ ...harness.config, target: { ...harness.config.target, token: { env: 'SCIM_TOKEN' } } }),
  );
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'worker', '--config', configPath], {
    cwd: ROOT,
    env: { ...process.env, SCIM_TOKEN: TOKEN, ICSYNC__LOG__LEVEL: 'silent' },
    stdio: 'ignore',
  });
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('queue mode', () => {
  it('applies a plan through two workers within the global rate, and a rerun writes nothing', async () => {
    h = await startQueueHarness(dir(40), { sync: { rateLimit: { requestsPerSecond: 20, burst: 1 }, concurrency: 4 } });
    await h.startWorker();
    await h.startWorker();
    const started = Date.now();
    const first = await h.run();
    expect(first.report).toMatchObject({ status: 'success' });
    expect(h.emulator.users()).toHaveLength(40);
    const writes = h.emulator.writes();
    // However slow the machine, the shared limiter admits at most `max` jobs per window, so the last
    // write cannot come earlier than this; how close the run gets to 20/s is a figure in `npm run bench`.
    const { max, duration } = limiterFor(20);
    expect(writes.at(-1)!.at - started).toBeGreaterThanOrEqual(Math.floor((writes.length - 1) / max) * duration);
    const rerun = await h.run();
    expect(rerun.plan?.operations).toEqual([]);
    expect(h.emulator.writes()).toHaveLength(writes.length);
  });

  it('rides out a 429 storm with zero failed jobs', async () => {
    h = await startQueueHarness(dir(20), { sync: { maxAttempts: 2 } });
    h.emulator.injectFault({
      method: 'POST',
      path: '/Users',
      times: 60,
      kind: 'status',
      status: 429,
      retryAfter: 'seconds',
      retryAfterSeconds: 0,
    });
    await h.startWorker();
    const r = await h.run();
    expect(r.report.applied?.failures).toEqual([]);
    expect(h.emulator.requestLog.filter((e) => e.status === 429)).toHaveLength(60);
    expect(r.report.applied).toMatchObject({ failed: 0, skipped: 0 });
    expect(h.emulator.users()).toHaveLength(20);
  });

  it('stops the run on 401: one failure, the rest skipped, credentials exit code', async () => {
    h = await startQueueHarness(dir(10), { sync: { concurrency: 1 } });
    h.emulator.injectFault({ method: 'POST', path: '/Users', times: 1000, kind: 'status', status: 401 });
    await h.startWorker();
    const r = await h.run();
    expect(r.report).toMatchObject({ status: 'credentials-invalid', exitCode: 5 });
    expect(h.emulator.writes().length).toBeLessThanOrEqual(2);
    expect(r.report.applied?.skipped).toBeGreaterThanOrEqual(9);
  });

  it('recovers the jobs of a worker killed mid-run without creating anyone twice', async () => {
    h = await startQueueHarness(dir(30), { sync: { rateLimit: { requestsPerSecond: 10, burst: 1 }, concurrency: 4 } });
    const child = await spawnWorker(h);
    const running = h.run();
    while (h.emulator.writes().length < 5) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await h.startWorker();
    const r = await running;
    expect(r.report.status).toBe('success');
    const users = h.emulator.users();
    expect(users).toHaveLength(30);
    expect(new Set(users.map((u) => u.externalId)).size).toBe(30);
  }, 60_000);

  it('stops a worker gracefully on SIGTERM: exit 0, in-flight jobs finish, another worker completes the run', async () => {
    h = await startQueueHarness(dir(30), { sync: { rateLimit: { requestsPerSecond: 10, burst: 1 }, concurrency: 2 } });
    const child = await spawnWorker(h);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const running = h.run();
    while (h.emulator.writes().length < 5) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await h.startWorker();
    const r = await running;
    expect(r.report.status).toBe('success');
    expect(new Set(h.emulator.users().map((u) => u.externalId)).size).toBe(30);
  }, 60_000);

  it('reports jobs that ended without a result (stalled more than allowed) instead of waiting forever', async () => {
    h = await startQueueHarness(dir(2));
    const connection = createRedis(h.config.redis, undefined, 'worker');
    const rogue = new Worker(
      h.config.queue.name,
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection, prefix: h.config.redis.keyPrefix },
    );
    // It stands in for an icsync worker, so it announces itself like one.
    const heartbeat = new WorkerHeartbeat(connection, h.config.redis.keyPrefix, h.config.queue.name, 1_000);
    heartbeat.start(() => undefined);
    try {
      const r = await h.run();
      expect(r.report.status).toBe('partial-failure');
      expect(r.report.applied?.failures[0]?.error?.message).toMatch(/stalled more than allowable limit/);
    } finally {
      await heartbeat.stop();
      await rogue.close();
      connection.disconnect();
    }
  });

  it('converges when Redis restarts mid-run', async () => {
    const redis = await startPrivateRedis();
    try {
      h = await startQueueHarness(dir(30), {
        redisUrl: redis.url,
        sync: { rateLimit: { requestsPerSecond: 15, burst: 1 } },
      });
      await h.startWorker();
      const running = h.run();
      while (h.emulator.writes().length < 5) await new Promise((r) => setTimeout(r, 20));
      await redis.restart();
      const r = await running;
      expect(['success', 'partial-failure']).toContain(r.report.status);
      const again = await h.run();
      expect(again.report.status).toBe('success');
      expect(h.emulator.users()).toHaveLength(30);
      expect(h.emulator.membersOf(h.emulator.groups()[0]!.id!)).toHaveLength(30);
    } finally {
      await h?.close();
      h = undefined;
      await redis.stop();
    }
  });

  it('does not drop the same operations enqueued again after an earlier run completed', async () => {
    h = await startQueueHarness(dir(3));
    await h.startWorker();
    await h.run();
    h.emulator.resetLog();
    const snap = dir(3);
    snap.users[0]!.title = 'Changed';
    h.source.next = snap;
    const second = await h.run();
    expect(second.report.applied).toMatchObject({ applied: 1, failed: 0, skipped: 0 });
    expect(h.emulator.writes()).toHaveLength(1);
  });

  it('keeps credentials out of job data and failed-job records in Redis', async () => {
    h = await startQueueHarness(dir(5));
    h.emulator.injectFault({ method: 'POST', path: '/Users', times: 1, kind: 'status', status: 400 });
    await h.startWorker();
    await h.run();
    const dump = await h.redisDump();
    expect(dump.length).toBeGreaterThan(100);
    expect(dump).not.toContain(TOKEN);
  });
});

describe('run lock and startup checks', () => {
  const settings = (url: string, extra: Record<string, unknown> = {}) =>
    parseConfig({
      sources: [{ type: 'file', id: 'x', path: 'x.json' }],
      target: { baseUrl: 'https://scim.us-east-1.amazonaws.com/t/scim/v2', token: { env: 'T' } },
      redis: { url, ...extra },
    }).redis;

  it('admits one run at a time, and a crashed holder blocks only until the TTL', async () => {
    const redis = createRedis(settings('redis://127.0.0.1:6379'), undefined, 'producer');
    await redis.connect();
    const prefix = `icsync-lock-${Date.now()}`;
    try {
      // TTLs long enough that no stall between two calls lets a lock expire; the crash shortens one below.
      const first = await acquireRunLock(redis, prefix, 'sync', 60_000);
      expect(first).not.toBeNull();
      expect(await acquireRunLock(redis, prefix, 'sync', 60_000)).toBeNull();
      await first!.release();
      const crashed = await acquireRunLock(redis, prefix, 'sync', 60_000);
      expect(crashed).not.toBeNull();
      await redis.persist(`${prefix}:lock:sync`).then(() => redis.pexpire(`${prefix}:lock:sync`, 300));
      await new Promise((r) => setTimeout(r, 400));
      expect(await acquireRunLock(redis, prefix, 'sync', 60_000)).not.toBeNull();
    } finally {
      await redis.del(`${prefix}:lock:sync`);
      redis.disconnect();
    }
  });

  it('refuses a Redis that may evict keys unless overridden, and fails fast when Redis is down', async () => {
    const lru = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const client = createRedis(settings(lru.url), undefined, 'producer');
      await expect(checkRedis(client, settings(lru.url))).rejects.toThrow(/noeviction/);
      await expect(checkRedis(client, settings(lru.url, { allowUnverifiedEviction: true }))).resolves.toBeUndefined();
      client.disconnect();
    } finally {
      await lru.stop();
    }
    const down = createRedis(settings('redis://127.0.0.1:1'), undefined, 'producer');
    await expect(checkRedis(down, settings('redis://127.0.0.1:1'))).rejects.toBeInstanceOf(RedisUnavailableError);
    down.disconnect();
  });
});
