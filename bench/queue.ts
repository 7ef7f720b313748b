import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { parseConfig } from '../src/config/load.js';
import { startEmulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/log/logger.js';
import type { Snapshot } from '../src/model/snapshot.js';
import { createRedis } from '../src/queue/connection.js';
import type { OperationJob } from '../src/queue/jobs.js';
import { queueExecutor } from '../src/queue/producer.js';
import { startWorker } from '../src/cli/worker-command.js';
import type { SourceConnector } from '../src/sources/types.js';
import { FileStateStore } from '../src/state/file-store.js';
import { runSync } from '../src/sync/run.js';
import { generateSnapshot } from './generate.js';
import { benchScim } from './scim.js';

/**
 * The queue path: a first sync of 5,000 users / 500 groups into the emulator through BullMQ on the
 * local Redis with two workers, each built as `icsync worker` builds it (startWorker), and the producer
 * as `icsync sync --queue` builds its client. Reports the achieved write rate against
 * the configured one and the writes against the exact diff. Usage: tsx bench/queue.ts <rps>
 */
const rate = Number(process.argv[2] ?? 25);
const size = { users: 5_000, groups: 500, memberships: 50_000 };
const snap = generateSnapshot(size);
const source: SourceConnector = {
  id: 'bench',
  kind: 'file',
  readSnapshot: async (): Promise<Snapshot> => snap,
  close: async () => {},
};
const emulator = await startEmulator({ tokens: ['bench-token'] });
const dir = await mkdtemp(join(tmpdir(), 'icsync-bench-queue-'));
const prefix = `icsync-bench-${randomUUID().slice(0, 8)}`;
const config = parseConfig({
  sources: [{ type: 'file', id: 'bench', path: '/unused.json' }],
  target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
  sync: { rateLimit: { requestsPerSecond: rate, burst: 1 }, concurrency: 8 },
  state: { path: join(dir, 'state.json') },
  redis: { keyPrefix: prefix },
  queue: { enabled: true, pollIntervalMs: 100 },
});
const producer = createRedis(config.redis, undefined, 'producer');
await producer.connect();
const queue = new Queue<OperationJob>(config.queue.name, { connection: producer, prefix });
const workers = [0, 1].map(() => {
  const redis = createRedis(config.redis, undefined, 'worker');
  return { redis, ...startWorker(config, { token: 'bench-token', redis, log: silentLogger() }) };
});
const { scim, limiter, throttle } = benchScim(config);
try {
  const executor = queueExecutor({ queue, redis: producer, prefix, settings: config.queue, sync: config.sync });
  const result = await runSync(
    {
      config,
      sources: [source],
      scim,
      limiter,
      throttle,
      state: new FileStateStore(config.state.path),
      logger: silentLogger(),
      executor,
    },
    { mode: 'sync' },
  );
  const writes = emulator.writes();
  const span = (writes.at(-1)!.at - writes[0]!.at) / 1000;
  const achieved = (writes.length - 1) / span;
  console.log(
    JSON.stringify({
      ...size,
      workers: workers.length,
      configuredRps: rate,
      writes: writes.length,
      plannedOperations: result.plan?.operations.length,
      seconds: Number(span.toFixed(1)),
      achievedWriteRps: Number(achieved.toFixed(2)),
      achievedShare: Number((achieved / rate).toFixed(3)),
      failed: result.report.applied?.failed,
      status: result.report.status,
    }),
  );
} finally {
  for (const w of workers) {
    await w.running.close();
    await w.scim.close();
    w.redis.disconnect();
  }
  await queue.obliterate({ force: true }).catch(() => undefined);
  const keys = await producer.keys(`${prefix}:*`);
  if (keys.length > 0) await producer.del(...keys);
  await queue.close();
  producer.disconnect();
  await scim.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
