/**
 * `icsync worker`'s operations port against the test Redis: the liveness endpoint fails once Redis
 * has been gone longer than the bound or the job loop stopped, and /metrics serves Prometheus text.
 */
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHealth, type WorkerHealth } from '../../src/ops/worker-health.js';

class FakeWorker extends EventEmitter {
  running = true;
  isRunning(): boolean {
    return this.running;
  }
}

let health: WorkerHealth | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  await health?.close();
  redis?.disconnect();
  health = undefined;
  redis = undefined;
});

async function start(
  maxRedisOutageMs: number,
): Promise<{ url: (path: string) => string; worker: FakeWorker; redis: Redis }> {
  redis = new Redis('redis://127.0.0.1:6379', {
    connectionName: 'icsync-worker-health-test',
    maxRetriesPerRequest: null,
  });
  await redis.ping();
  const worker = new FakeWorker();
  health = await startWorkerHealth({
    host: '127.0.0.1',
    port: 0,
    maxEventLoopStallMs: 10_000,
    maxRedisOutageMs,
    redis,
    worker,
  });
  const base = `http://127.0.0.1:${health.address.port}`;
  return { url: (path) => `${base}${path}`, worker, redis };
}

describe('worker operations port', () => {
  it('/healthz and /readyz pass while Redis is up and the job loop runs; /metrics counts finished jobs', async () => {
    const { url, worker } = await start(60_000);
    expect((await fetch(url('/healthz'))).status).toBe(200);
    expect((await fetch(url('/readyz'))).status).toBe(200);
    worker.emit('completed');
    worker.emit('completed');
    worker.emit('failed');
    const res = await fetch(url('/metrics'));
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('icsync_worker_jobs_total{outcome="completed"} 2');
    expect(text).toContain('icsync_worker_jobs_total{outcome="failed"} 1');
    expect(text).toContain('icsync_worker_live 1');
    expect(text).toContain('icsync_worker_redis_connected 1');
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/healthz'), { method: 'POST' })).status).toBe(405);
  });

  it('fails liveness once Redis has been lost longer than the bound, readiness at once', async () => {
    const { url, redis: client } = await start(200);
    client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await fetch(url('/readyz'))).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/^no Redis connection for \d+ ms \(bound 200 ms\)\n$/);
    expect(await (await fetch(url('/metrics'))).text()).toContain('icsync_worker_redis_connected 0');
  });

  it('fails liveness when the job loop has stopped', async () => {
    const { url, worker } = await start(60_000);
    worker.running = false;
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('the job loop is not running\n');
  });
});
