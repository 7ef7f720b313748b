import type { Worker } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncWaitingKey } from '../../src/queue/keys.js';
import { QueueHintSink } from '../../src/webhook/hint-queue.js';
import type { ReReadHint } from '../../src/model/hints.js';
import { ext, group, snapshot, user } from '../helpers/builders.js';
import { openHintQueue } from '../helpers/hint-queue.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('hint queue', () => {
  it('coalesces repeated hints for one object into one re-read that PATCHes once', async () => {
    const h: Harness = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]));
    cleanup.push(() => h.close());
    await h.run('sync');
    h.emulator.resetLog();
    const hints = openHintQueue('hints');
    cleanup.push(() => hints.close());
    const { queue } = hints;
    const next = snapshot([user('a', { userName: 'a.new@example.com' }), user('b')], [group('g', ['a', 'b'])]);
    h.source.next = next;
    const sink = new QueueHintSink(queue);
    const hint: ReReadHint = {
      sourceId: h.source.id,
      kind: 'user',
      id: 'a',
      origin: 'okta',
      receivedAt: new Date().toISOString(),
    };
    for (let i = 0; i < 10; i += 1) await sink.enqueue([hint]);
    expect(await queue.count()).toBe(1);
    const worker: Worker<ReReadHint> = hints.startWorker(h.deps);
    cleanup.push(() => worker.close());
    const done = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    await done;
    expect(h.emulator.writes().map((w) => w.method)).toEqual(['PATCH']);
    expect(h.emulator.users().find((u) => u.externalId === ext('a'))?.userName).toBe('a.new@example.com');
  });

  it('leaves the run lock to a full sync that is waiting for it, and runs the hint once the full sync has gone', async () => {
    const h: Harness = await startHarness(snapshot([user('a')]));
    cleanup.push(() => h.close());
    const hints = openHintQueue('hints');
    cleanup.push(() => hints.close());
    const { queue, redis, prefix } = hints;
    await redis.set(syncWaitingKey(prefix), '1', 'PX', 60_000);
    await new QueueHintSink(queue).enqueue([
      { sourceId: h.source.id, kind: 'user', id: 'a', origin: 'okta', receivedAt: new Date().toISOString() },
    ]);
    const worker: Worker<ReReadHint> = hints.startWorker(h.deps);
    cleanup.push(() => worker.close());
    // Past the debounce the worker picks the hint up, sees the waiting full sync and puts it back.
    await new Promise<void>((resolve) => worker.once('active', () => resolve()));
    await vi.waitFor(
      async () => expect(await queue.getJobCounts('active', 'delayed')).toEqual({ active: 0, delayed: 1 }),
      {
        timeout: 10_000,
      },
    );
    expect(h.emulator.requestLog).toHaveLength(0);
    const completed = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    await redis.del(syncWaitingKey(prefix));
    await completed;
    expect(h.emulator.requestLog.length).toBeGreaterThan(0);
  });
});
