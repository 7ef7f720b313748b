import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { createRedis } from '../../src/queue/connection.js';
import type { OperationJob } from '../../src/queue/jobs.js';
import { queueExecutor } from '../../src/queue/producer.js';
import { startSyncWorker } from '../../src/queue/worker.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { ScimClient } from '../../src/scim/client.js';
import { TokenBucketLimiter } from '../../src/scim/limiter.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { runSync, type RunOptions, type RunResult } from '../../src/sync/run.js';
import { SOURCE_ID } from './builders.js';
import { ScriptedSource } from './harness.js';

export const TOKEN = 'queue-test-token-5e1f';

export interface QueueHarness {
  emulator: RunningEmulator;
  source: ScriptedSource;
  config: Config;
  redisUrl: string;
  /** Starts an in-process worker (a fresh SCIM client and Redis connection). */
  startWorker(): Promise<{ close(): Promise<void> }>;
  run(options?: Partial<RunOptions>): Promise<RunResult>;
  /** Every Redis value under this test's prefix, for leak checks. */
  redisDump(): Promise<string>;
  close(): Promise<void>;
}

export interface QueueHarnessOptions {
  emulator?: Partial<EmulatorOptions>;
  sync?: Record<string, unknown>;
  queue?: Record<string, unknown>;
  redisUrl?: string;
}

/** The emulator, a unique Redis key prefix on the test Redis, a queue executor and workers on demand. */
export async function startQueueHarness(first: Snapshot, options: QueueHarnessOptions = {}): Promise<QueueHarness> {
  const emulator = await startEmulator({ tokens: [TOKEN], ...options.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'icsync-queue-'));
  const prefix = `icsync-test-${randomUUID().slice(0, 8)}`;
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const config = parseConfig({
    sources: [{ type: 'file', id: SOURCE_ID, path: '/unused.json' }],
    target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
    sync: {
      rateLimit: { requestsPerSecond: 200, burst: 20 },
      concurrency: 4,
      retryBaseMs: 20,
      retryMaxMs: 200,
      ...options.sync,
    },
    state: { path: join(dir, 'state.json') },
    redis: { url: redisUrl, keyPrefix: prefix },
    queue: {
      enabled: true,
      stalledIntervalMs: 1000,
      lockDurationMs: 2000,
      pollIntervalMs: 50,
      reconcileIntervalMs: 200,
      ...options.queue,
    },
  });
  const source = new ScriptedSource(first);
  const producerRedis = createRedis(config.redis, undefined, 'producer');
  await producerRedis.connect();
  const queue = new Queue<OperationJob>(config.queue.name, { connection: producerRedis, prefix });
  const limiter = new TokenBucketLimiter({ ratePerSecond: 1000, burst: 100 });
  const scim = new ScimClient({ baseUrl: emulator.baseUrl, token: TOKEN, limiter });
  const executor = queueExecutor({ queue, redis: producerRedis, prefix, settings: config.queue, sync: config.sync });
  const deps = {
    config,
    sources: [source],
    scim,
    limiter,
    state: new FileStateStore(config.state.path),
    logger: silentLogger(),
    executor,
  };
  const closers: (() => Promise<void>)[] = [];
  return {
    emulator,
    source,
    config,
    redisUrl,
    async startWorker() {
      const redis = createRedis(config.redis, undefined, 'worker');
      const workerScim = new ScimClient({
        baseUrl: emulator.baseUrl,
        token: TOKEN,
        limiter: new TokenBucketLimiter({ ratePerSecond: 1000, burst: 100 }),
      });
      const running = startSyncWorker({
        scim: workerScim,
        redis,
        prefix,
        queue: config.queue,
        sync: config.sync,
        logger: silentLogger(),
      });
      const close = async (): Promise<void> => {
        await running.close();
        await workerScim.close();
        redis.disconnect();
      };
      closers.push(close);
      return { close };
    },
    run: (runOptions = {}) => runSync(deps, { mode: 'sync', ...runOptions }),
    async redisDump() {
      const keys = await producerRedis.keys(`${prefix}:*`);
      const parts: string[] = [];
      for (const key of keys) {
        const type = await producerRedis.type(key);
        if (type === 'string') parts.push(String(await producerRedis.get(key)));
        if (type === 'hash') parts.push(JSON.stringify(await producerRedis.hgetall(key)));
        if (type === 'list') parts.push(JSON.stringify(await producerRedis.lrange(key, 0, -1)));
      }
      return parts.join('\n');
    },
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
      await queue.obliterate({ force: true }).catch(() => undefined);
      const keys = await producerRedis.keys(`${prefix}:*`).catch(() => []);
      if (keys.length > 0) await producerRedis.del(...keys).catch(() => undefined);
      await queue.close();
      producerRedis.disconnect();
      await scim.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A private redis-server on a free port (for restart and eviction-policy tests), with AOF in a temp dir. */
export async function startPrivateRedis(
  args: string[] = [],
): Promise<{ url: string; port: number; restart(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'icsync-redis-'));
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        ...args,
      ],
      { stdio: 'ignore' },
    );
    await waitForRedis(port);
  };
  const stopChild = async (): Promise<void> => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await stopChild();
      await start();
    },
    async stop() {
      await stopChild();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForRedis(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
