/**
 * Issue #7 end to end: an Okta event for a renamed user → the receiver → the hint queue on Redis →
 * a targeted re-read from the source → the planner → exactly one PATCH in the AWS SCIM emulator.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { MemoryDedupe } from '../../src/webhook/dedupe.js';
import { QueueHintSink } from '../../src/webhook/hint-queue.js';
import type { ReReadHint } from '../../src/model/hints.js';
import { createWebhookMetrics } from '../../src/webhook/metrics.js';
import { createWebhookServer } from '../../src/webhook/server.js';
import { ext, group, snapshot, SOURCE_ID, user } from '../helpers/builders.js';
import { openHintQueue } from '../helpers/hint-queue.js';
import { startHarness } from '../helpers/harness.js';
import { OKTA_SECRET, oktaBody, oktaEvent, webhookConfig } from '../helpers/webhook.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('webhook → targeted sync', () => {
  it('turns an Okta event for a renamed user into one PATCH, once, however often it is delivered', async () => {
    const h = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]));
    cleanup.push(() => h.close());
    await h.run('sync');
    h.emulator.resetLog();
    const aws = h.emulator.users().find((u) => u.externalId === ext('a'))!;

    const hints = openHintQueue('e2e');
    const { queue } = hints;
    const worker = hints.startWorker(h.deps);
    const config = webhookConfig({ okta: { sourceId: SOURCE_ID, secret: { env: 'UNUSED' } } });
    const server = createWebhookServer({
      config,
      sink: new QueueHintSink(queue),
      dedupe: new MemoryDedupe(),
      metrics: createWebhookMetrics(),
      logger: silentLogger(),
      readiness: async () => true,
      okta: { sourceId: SOURCE_ID, secret: OKTA_SECRET, header: 'authorization' },
    });
    const { port } = await server.listen();
    cleanup.push(async () => {
      await server.close(100);
      await worker.close();
      await hints.close();
    });

    h.source.next = snapshot([user('a', { userName: 'a.renamed@example.com' }), user('b')], [group('g', ['a', 'b'])]);
    const completed = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    const body = oktaBody([oktaEvent('user.account.update_profile', [{ id: 'a', type: 'User' }])]);
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/okta`, {
        method: 'POST',
        headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
    }
    await completed;
    expect(h.emulator.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /Users/${aws.id}`]);
    expect(h.emulator.users().find((u) => u.id === aws.id)?.userName).toBe('a.renamed@example.com');
  });

  it('answers 503 (so Okta retries) when Redis is down and the hint cannot be persisted', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const queue = new Queue<ReReadHint>('hints', { connection: dead, prefix: 'icsync-dead' });
    queue.on('error', () => undefined);
    const server = createWebhookServer({
      config: webhookConfig({ okta: { sourceId: SOURCE_ID, secret: { env: 'UNUSED' } } }),
      sink: new QueueHintSink(queue),
      dedupe: new MemoryDedupe(),
      metrics: createWebhookMetrics(),
      logger: silentLogger(),
      readiness: async () => false,
      okta: { sourceId: SOURCE_ID, secret: OKTA_SECRET, header: 'authorization' },
    });
    const { port } = await server.listen();
    cleanup.push(async () => {
      await server.close(100);
      await queue.close().catch(() => undefined);
      dead.disconnect();
    });
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/okta`, {
      method: 'POST',
      headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
      body: oktaBody([oktaEvent('user.account.update_profile', [{ id: 'a', type: 'User' }])]),
    });
    expect(res.status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
  });
});
