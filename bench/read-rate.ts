import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { startEmulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/log/logger.js';
import type { Snapshot } from '../src/model/snapshot.js';
import type { SourceConnector } from '../src/sources/types.js';
import { FileStateStore } from '../src/state/file-store.js';
import { runSync } from '../src/sync/run.js';
import { benchScim } from './scim.js';
import { generateSnapshot } from './generate.js';

/**
 * Membership reads against an endpoint 150 ms away (emulator latency): every group of an in-sync
 * tenant of 1,000 users / 200 groups is read (no stored state), at each configured rate. Reports the
 * achieved read rate over the span of the reads against the configured one. Prints one JSON line.
 * Usage: tsx bench/read-rate.ts [rates, e.g. 10,20]
 */
const rates = (process.argv[2] ?? '10,20').split(',').map(Number);
const LATENCY_MS = 150;
const snap = generateSnapshot({ users: 1_000, groups: 200, memberships: 10_000 });
const source: SourceConnector = {
  id: 'bench',
  kind: 'file',
  readSnapshot: async (): Promise<Snapshot> => snap,
  close: async () => {},
};
const emulator = await startEmulator({ tokens: ['bench-token'] });
const dir = await mkdtemp(join(tmpdir(), 'icsync-bench-read-rate-'));
const configFor = (rate: number, state: string) =>
  parseConfig({
    sources: [{ type: 'file', id: 'bench', path: '/unused.json' }],
    target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: rate, burst: 1 } },
    state: { path: join(dir, state) },
  });
const result: Record<string, unknown> = { latencyMs: LATENCY_MS, groups: snap.groups.length };
try {
  const seed = configFor(1000, 'seed.json');
  const seeded = await runSync(
    {
      config: seed,
      sources: [source],
      ...benchScim(seed),
      state: new FileStateStore(seed.state.path),
      logger: silentLogger(),
    },
    { mode: 'sync' },
  );
  if (seeded.report.status !== 'success') throw new Error(`seeding ended ${seeded.report.status}`);
  emulator.setOptions({ latencyMs: LATENCY_MS });
  for (const rate of rates) {
    const config = configFor(rate, `rate-${rate}.json`);
    const built = benchScim(config);
    const before = emulator.requestLog.length;
    await runSync(
      { config, sources: [source], ...built, state: new FileStateStore(config.state.path), logger: silentLogger() },
      { mode: 'diff' },
    );
    await built.scim.close();
    const reads = emulator.requestLog.slice(before).filter((e) => decodeURIComponent(e.query).includes('groups.value'));
    const seconds = (reads.at(-1)!.at - reads[0]!.at) / 1000;
    const achieved = (reads.length - 1) / seconds;
    result[`configured${rate}`] = {
      reads: reads.length,
      achievedRps: Number(achieved.toFixed(2)),
      share: Number((achieved / rate).toFixed(3)),
    };
  }
  result.minShare = Math.min(...rates.map((r) => (result[`configured${r}`] as { share: number }).share));
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
