import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapConcurrent, Semaphore } from './limit.js';

describe('Semaphore', () => {
  it('never lets more than its size run at once', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const signal = new AbortController().signal;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        semaphore.run(signal, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(5);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('drops a waiter whose signal aborts, and still serves the rest', async () => {
    const semaphore = new Semaphore(1);
    const open = new AbortController().signal;
    let release!: () => void;
    const holder = semaphore.run(open, () => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const aborted = semaphore.run(controller.signal, async () => 'ran');
    const next = semaphore.run(open, async () => 'served');
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    release();
    await holder;
    await expect(next).resolves.toBe('served');
  });
});

describe('mapConcurrent', () => {
  it('keeps order and the limit', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([5, 1, 3, 2], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(n);
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 30, 20]);
    expect(peak).toBe(2);
  });

  it('starts nothing new after a failure and throws it once the running calls settle', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('page 1 failed');
      await sleep(10);
      settled += 1;
      return n;
    });
    await expect(run).rejects.toThrow('page 1 failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(1);
  });
});
