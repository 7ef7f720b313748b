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
import { generateSnapshot } from './generate.js';

/**
 * A full first sync of 5,000 users / 500 groups / 50,000 memberships into the emulator at a
 * configured request rate, then a rerun. Reports the achieved request rate against the configured
 * one, and the writes the emulator received against the exact diff (the plan's operation count).
 * Prints one JSON line. Usage: tsx bench/sync.ts [requestsPerSecond]
 */
const rate = Number(process.argv[2] ?? 50);
const size = { users: 5_000, groups: 500, memberships: 50_000 };
const snap = generateSnapshot(size);
const source: SourceConnector = {
  id: 'bench',
  kind: 'file',
  readSnapshot: async (): Promise<Snapshot> => snap,
  close: async () => {},
};

const emulator = await startEmulator({ tokens: ['bench-token'] });
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

  const first = await runSync(deps, { mode: 'sync' });
  const log = emulator.requestLog;
  const span = (log.at(-1)!.at - log[0]!.at) / 1000;
  const writes = emulator.writes().length;
  const before = log.length;
  const rerun = await runSync(deps, { mode: 'sync' });
  const rerunRequests = emulator.requestLog.slice(before);
  await scim.close();
  console.log(
    JSON.stringify({
      ...size,
      configuredRps: rate,
      requests: before,
      seconds: Number(span.toFixed(1)),
      achievedRps: Number(((before - 1) / span).toFixed(2)),
      achievedShare: Number(((before - 1) / span / rate).toFixed(3)),
      plannedOperations: first.plan?.operations.length,
      writes,
      failed: first.report.applied?.failed,
      status: first.report.status,
      rerun: {
        status: rerun.report.status,
        operations: rerun.plan?.operations.length,
        writes: rerunRequests.filter((r) => r.method !== 'GET').length,
        requests: rerunRequests.length,
      },
    }),
  );
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
