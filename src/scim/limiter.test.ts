import { afterEach, describe, expect, it, vi } from 'vitest';
import { pauseOnlyLimiter, TokenBucketLimiter } from './limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Real timers only ever fire late, so these check the floor the limiter enforces (it never runs
 * faster than configured); how close it stays to the rate on a real event loop is a figure in
 * `npm run bench`, not a test.
 */
describe('TokenBucketLimiter rate (real timers)', () => {
  it('never runs faster than 50/s with sequential acquires', async () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 50 });
    await limiter.acquire();
    const start = performance.now();
    for (let i = 1; i < 30; i += 1) await limiter.acquire();
    expect(performance.now() - start).toBeGreaterThanOrEqual(560);
    expect(limiter.stats()).toMatchObject({ acquired: 30, waiting: 0 });
  });

  it('never runs faster than 10/s with concurrent waiters', async () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10 });
    await limiter.acquire();
    const start = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    expect(performance.now() - start).toBeGreaterThanOrEqual(990);
    expect(limiter.stats()).toMatchObject({ acquired: 11, waiting: 0 });
  });
});

describe('TokenBucketLimiter rate accuracy (simulated late timers)', () => {
  /**
   * Every timer fires late by a pseudo-random 0–90 % of the interval, as on a busy event loop; the
   * limiter's clock includes that lateness. A limiter that dropped the lateness would reach ~69 %.
   */
  it.each([10, 25, 100])('keeps at least 95 %% of %i req/s over 200 sequential acquires', async (ratePerSecond) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let lag = 0;
    let seed = 42;
    const nextLag = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.9 * (1000 / ratePerSecond);
    const limiter = new TokenBucketLimiter({ ratePerSecond, now: () => Date.now() + lag });
    const n = 200;
    let done = 0;
    const start = Date.now() + lag;
    const loop = (async () => {
      for (let i = 0; i < n; i += 1) {
        await limiter.acquire();
        done += 1;
      }
    })();
    while (done < n) {
      lag += nextLag();
      await vi.advanceTimersToNextTimerAsync();
    }
    await loop;
    const elapsedMs = Date.now() + lag - start;
    expect(((n - 1) * 1000) / elapsedMs).toBeGreaterThanOrEqual(ratePerSecond * 0.95);
    expect(((n - 1) * 1000) / elapsedMs).toBeLessThanOrEqual(ratePerSecond * 1.01);
  });
});

describe('TokenBucketLimiter with a fake clock', () => {
  function fake(ratePerSecond: number, burst = 1): TokenBucketLimiter {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    return new TokenBucketLimiter({ ratePerSecond, burst, now: () => Date.now() });
  }

  function track(p: Promise<void>): { done: boolean; error: unknown } {
    const state = { done: false, error: undefined as unknown };
    p.then(
      () => void (state.done = true),
      (e: unknown) => void (state.error = e),
    );
    return state;
  }

  it('lets a burst through at once, then one per interval', async () => {
    const limiter = fake(10, 3);
    const all = Array.from({ length: 5 }, () => track(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(0);
    expect(all.map((s) => s.done)).toEqual([true, true, true, false, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(all[3]?.done).toBe(true);
    expect(all[4]?.done).toBe(false);
  });

  it('serves waiters in FIFO order', async () => {
    const limiter = fake(100);
    await limiter.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i)));
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it('keeps the schedule after a late timer instead of losing the lateness', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 0;
    const limiter = new TokenBucketLimiter({ ratePerSecond: 10, now: () => clock });
    await limiter.acquire();
    const second = track(limiter.acquire());
    const third = track(limiter.acquire());
    clock = 150;
    await vi.advanceTimersByTimeAsync(100);
    expect(second.done).toBe(true);
    clock = 200;
    await vi.advanceTimersByTimeAsync(50);
    expect(third.done).toBe(true);
  });

  it('uses one timer while callers wait, not a polling loop', async () => {
    const limiter = fake(1);
    await limiter.acquire();
    for (let i = 0; i < 5; i += 1) void limiter.acquire();
    expect(vi.getTimerCount()).toBe(1);
    expect(limiter.stats().waiting).toBe(5);
  });

  it('pause blocks every acquirer until it ends, and is extended but never shortened', async () => {
    const limiter = fake(1000, 5);
    limiter.pause(300);
    limiter.pause(100);
    const first = track(limiter.acquire());
    await vi.advanceTimersByTimeAsync(299);
    expect(first.done).toBe(false);
    limiter.pause(200);
    await vi.advanceTimersByTimeAsync(100);
    expect(first.done).toBe(false);
    await vi.advanceTimersByTimeAsync(101);
    expect(first.done).toBe(true);
    expect(limiter.stats()).toMatchObject({ acquired: 1, totalPausedMs: 499, waiting: 0 });
  });

  it('restarts with a single token after a pause instead of a burst', async () => {
    const limiter = fake(10, 5);
    limiter.pause(1000);
    const all = Array.from({ length: 3 }, () => track(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(1000);
    expect(all.map((s) => s.done)).toEqual([true, false, false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(all.map((s) => s.done)).toEqual([true, true, false]);
  });

  it('rejects an aborted waiter with the signal reason and keeps serving the others', async () => {
    const limiter = fake(10);
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = track(limiter.acquire(controller.signal));
    const next = track(limiter.acquire());
    controller.abort(new Error('shutdown'));
    await vi.advanceTimersByTimeAsync(0);
    expect((aborted.error as Error).message).toBe('shutdown');
    expect(limiter.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(next.done).toBe(true);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const limiter = fake(10);
    await expect(limiter.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(limiter.stats().acquired).toBe(0);
  });

  it('validates its options', () => {
    expect(() => new TokenBucketLimiter({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucketLimiter({ ratePerSecond: 5, burst: 0.5 })).toThrow(RangeError);
  });
});

describe('pauseOnlyLimiter', () => {
  it('never delays until paused, then waits out the longest pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const limiter = pauseOnlyLimiter(() => Date.now());
    await limiter.acquire();
    limiter.pause(100);
    let done = false;
    void limiter.acquire().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(50);
    limiter.pause(200);
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(true);
  });
});
