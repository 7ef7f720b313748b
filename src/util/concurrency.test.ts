import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapLimit } from './concurrency.js';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([30, 5, 20, 1, 10], 2, async (ms) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(ms);
      running -= 1;
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure only after the calls in flight have settled, and starts no new ones', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapLimit([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await sleep(20);
      settled += 1;
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(1);
  });
});
