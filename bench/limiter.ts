import { TokenBucketLimiter } from '../src/scim/limiter.js';

/**
 * The request limiter on a real event loop: sequential acquires at 50/s (as one sync loop runs) and
 * 10 concurrent waiters at 10/s, each for about 4 s. Timers fire late on a busy machine; the limiter
 * keeps the schedule, so the achieved share of the configured rate should stay within 95–101 %.
 * Prints one JSON line.
 */
async function sequential(ratePerSecond: number, n: number): Promise<number> {
  const limiter = new TokenBucketLimiter({ ratePerSecond });
  await limiter.acquire();
  const start = performance.now();
  for (let i = 1; i < n; i += 1) await limiter.acquire();
  return ((n - 1) * 1000) / (performance.now() - start) / ratePerSecond;
}

async function concurrent(ratePerSecond: number, waiters: number, rounds: number): Promise<number> {
  const limiter = new TokenBucketLimiter({ ratePerSecond });
  await limiter.acquire();
  const start = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    await Promise.all(Array.from({ length: waiters }, () => limiter.acquire()));
  }
  return (waiters * rounds * 1000) / (performance.now() - start) / ratePerSecond;
}

const sequentialShare = await sequential(50, 200);
const concurrentShare = await concurrent(10, 10, 4);
console.log(
  JSON.stringify({
    sequentialRps: 50,
    sequentialShare: Number(sequentialShare.toFixed(3)),
    concurrentRps: 10,
    concurrentShare: Number(concurrentShare.toFixed(3)),
  }),
);
