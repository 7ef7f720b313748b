import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { startEmulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/log/logger.js';
import type { Snapshot } from '../src/model/snapshot.js';
import { ScimClient } from '../src/scim/client.js';
import { TokenBucketLimiter } from '../src/scim/limiter.js';
import type { SourceConnector } from '../src/sources/types.js';
import { FileStateStore } from '../src/state/file-store.js';
import { runSync } from '../src/sync/run.js';
import { tierSnapshot, TIERS, type Tier } from './tenant.js';

/**
 * The first sync of a load tier into the emulator at a configured request rate, with the emulator
 * enforcing a 20 req/s token bucket (as a stand-in for AWS's unpublished SCIM limit), then a rerun.
 * Pass criteria, printed with the figures: the run completes with 0 failures; its duration is within
 * ±20 % of requests ÷ rate (the bucket's rate when configured above it); at a rate below the bucket no request is throttled; the rerun writes
 * nothing; peak RSS stays ≤ 512 MiB. Prints one JSON line.
 * Usage: tsx bench/first-sync.ts <medium|large> <requestsPerSecond>
 */
const tier = (process.argv[2] ?? 'medium') as Tier;
const rate = Number(process.argv[3] ?? 10);
if (!(tier in TIERS) || !(rate > 0)) throw new Error('usage: first-sync.ts <medium|large> <requestsPerSecond>');
const BUCKET_RPS = 20;
const RSS_LIMIT_MIB = 512;

const snap = tierSnapshot(tier);
const source: SourceConnector = {
  id: 'bench',
  kind: 'file',
  readSnapshot: async (): Promise<Snapshot> => snap,
  close: async () => {},
};
const emulator = await startEmulator({
  tokens: ['bench-token'],
  rateLimit: { requestsPerSecond: BUCKET_RPS, burst: BUCKET_RPS, retryAfter: 'seconds' },
});
const dir = await mkdtemp(join(tmpdir(), 'icsync-bench-'));
try {
  const config = parseConfig({
    sources: [{ type: 'file', id: 'bench', path: '/unused.json' }],
    target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: rate, burst: 1 }, concurrency: 8 },
    state: { path: join(dir, 'state.json') },
  });
  const limiter = new TokenBucketLimiter({ ratePerSecond: rate, burst: 1 });
  const scim = new ScimClient({ baseUrl: emulator.baseUrl, token: 'bench-token', limiter });
  const deps = {
    config,
    sources: [source],
    scim,
    limiter,
    state: new FileStateStore(config.state.path),
    logger: silentLogger(),
  };

  const started = performance.now();
  const first = await runSync(deps, { mode: 'sync' });
  const seconds = (performance.now() - started) / 1000;
  const log = emulator.requestLog;
  const requests = log.length;
  const throttled = log.filter((r) => r.status === 429).length;
  // Above the bucket the emulator's 429s set the pace, so the achievable rate is the bucket's.
  const expectedSeconds = requests / Math.min(rate, BUCKET_RPS);
  const before = requests;
  const rerun = await runSync(deps, { mode: 'sync' });
  const rerunWrites = emulator.requestLog.slice(before).filter((r) => r.method !== 'GET').length;
  await scim.close();
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const ratio = seconds / expectedSeconds;
  console.log(
    JSON.stringify({
      tier,
      ...TIERS[tier],
      configuredRps: rate,
      emulatorBucketRps: BUCKET_RPS,
      requests,
      writes: emulator.writes().length,
      plannedOperations: first.plan?.operations.length,
      memberPatches: first.plan?.counts.addMembers,
      seconds: Math.round(seconds),
      expectedSeconds: Math.round(expectedSeconds),
      durationRatio: Number(ratio.toFixed(3)),
      throttled,
      failed: first.report.applied?.failed,
      status: first.report.status,
      rerun: { status: rerun.report.status, operations: rerun.plan?.operations.length, writes: rerunWrites },
      peakRssMiB,
      pass:
        first.report.status === 'success' &&
        Math.abs(ratio - 1) <= 0.2 &&
        (rate >= BUCKET_RPS || throttled === 0) &&
        rerun.plan?.operations.length === 0 &&
        rerunWrites === 0 &&
        peakRssMiB <= RSS_LIMIT_MIB,
    }),
  );
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
