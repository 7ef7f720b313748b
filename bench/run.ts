import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: each benchmark in its own process, so peak RSS figures are not mixed up.
 *   start          --help, --version, validate-config as processes vs a bare `node -e 0` (target ≤ 8×)
 *   plan (first)   50,000 users / 10,000 groups / 500,000 memberships, empty AWS → plan   (target ≤ 2 s, ≤ 512 MiB,
 *                  the plan hash ≤ 10 % of the plan time)
 *   plan (steady)  the same directory with 1 % churn against an in-sync AWS → plan
 *   plan at 4×     200,000 users / 40,000 groups / 2,000,000 memberships, both scenarios (target ≤ 1 GiB peak RSS)
 *   sync           5,000 users / 500 groups into the emulator at BENCH_RATE req/s (default 50; target ≥ 95 %)
 *   429 storm      the built CLI against the emulator answering 429 to every request for BENCH_STORM_SECONDS
 *                  (default 60), reads included; target exit 0
 *   first sync     load tiers from a fresh AWS at a configured rate against a 20 req/s emulator bucket, per
 *                  `tier:rate` in BENCH_TIERS (default "medium:10", about 11 minutes; "large:10" and "large:25"
 *                  take about 2 h and 1 h); set BENCH_TIERS="" to skip. Each line carries `pass`.
 *   queue          the same through BullMQ with two workers, at each rate in BENCH_QUEUE_RATES (default "10,25";
 *                  about 10 and 4 minutes); set BENCH_QUEUE_RATES="" to skip
 *   limiter        the request limiter on a real event loop (target 95–101 % of the configured rate)
 *   webhook burst  2,000 notifications in about 4 s with the Redis dedupe (target ack p99 < 500 ms, max < 3 s)
 *   emulator       filter lookups among 50,000 users (target < 2 s for 51 lookups)
 *   requests       SCIM requests by kind per run (first sync, rerun unchanged, 1 % churn, the costliest hourly run
 *                  of a 24 h verification interval) beside the theoretical minimum, at 5,000 / 500 / 50,000; set
 *                  BENCH_REQUESTS_LARGE=1 to add 50,000 / 10,000 / 500,000 (several minutes)
 *   read rate      membership reads achieved vs configured with 150 ms emulator latency (target ≥ 90 %)
 * These are the wall-clock figures; the test suite asserts behaviour only, so it holds on a busy machine.
 * Prints each result as a JSON line, then every figure beside its target. BENCH_ONLY=limiter,webhook runs only
 * the benchmarks whose name contains one of the words.
 */
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const node = (args: string[]): Record<string, unknown> =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim(),
  ) as Record<string, unknown>;

/** bench/start.ts prints one row per command; the figure is its start time over `node -e 0`'s. */
function startRatios(): Record<string, unknown> {
  const rows = node([here('./start.ts')]) as unknown as { name: string; ratioToNodeE0: number }[];
  const ratio = (command: string) => rows.find((r) => r.name === `start: ${command}`)?.ratioToNodeE0;
  return { help: ratio('--help'), version: ratio('--version'), validateConfig: ratio('validate-config') };
}

interface Target {
  figure: string;
  /** The bound, as read: "≤ 2000", "≥ 0.95", "0.95–1.01". */
  target: string;
  met: (value: number) => boolean;
}
const atMost = (figure: string, bound: number): Target => ({ figure, target: `≤ ${bound}`, met: (v) => v <= bound });
const atLeast = (figure: string, bound: number): Target => ({ figure, target: `≥ ${bound}`, met: (v) => v >= bound });
const within = (figure: string, low: number, high: number): Target => ({
  figure,
  target: `${low}–${high}`,
  met: (v) => v >= low && v <= high,
});

const benches: { name: string; run: () => Record<string, unknown>; targets: Target[] }[] = [
  {
    name: 'CLI start, as a multiple of node -e 0',
    run: startRatios,
    targets: [atMost('help', 8), atMost('version', 8), atMost('validateConfig', 8)],
  },
  {
    name: 'plan (first sync)',
    run: () => node([here('./plan.ts'), 'first']),
    targets: [atMost('planMs', 2000), atMost('hashMs', 200), atMost('hashShare', 0.1), atMost('peakRssMiB', 512)],
  },
  { name: 'plan (steady state)', run: () => node([here('./plan.ts'), 'steady']), targets: [atMost('planMs', 2000)] },
  ...['first', 'steady'].map((scenario) => ({
    name: `plan (${scenario}) at 200k/40k/2M`,
    run: () => node(['--expose-gc', here('./plan.ts'), scenario, '4']),
    targets: [atMost('peakRssMiB', 1024)],
  })),
  {
    name: 'sync into emulator',
    run: () => node([here('./sync.ts'), process.env.BENCH_RATE ?? '50']),
    targets: [atLeast('achievedShare', 0.95)],
  },
  { name: '429 storm on every request', run: () => node([here('./storm.ts')]), targets: [atMost('exitCode', 0)] },
  ...(process.env.BENCH_TIERS ?? 'medium:10')
    .split(',')
    .filter(Boolean)
    .map((spec) => {
      const [tier = 'medium', rate = '10'] = spec.split(':');
      return {
        name: `first sync, ${tier} tier at ${rate} req/s`,
        run: () => node([here('./first-sync.ts'), tier, rate]),
        targets: [atLeast('pass', 1)],
      };
    }),
  ...(process.env.BENCH_QUEUE_RATES ?? '10,25')
    .split(',')
    .filter(Boolean)
    .map((rate) => ({
      name: `queue sync at ${rate} req/s`,
      run: () => node([here('./queue.ts'), rate]),
      targets: [atLeast('achievedShare', 0.95)],
    })),
  {
    name: 'request limiter',
    run: () => node([here('./limiter.ts')]),
    targets: [within('sequentialShare', 0.95, 1.01), within('concurrentShare', 0.95, 1.01)],
  },
  {
    name: 'webhook burst',
    run: () => node([here('./webhook.ts')]),
    targets: [atMost('notAcked', 0), atMost('ackP99Ms', 500), atMost('ackMaxMs', 3000), atMost('clientMaxMs', 3000)],
  },
  ...requestTiers().map((tier) => ({
    name: `requests ${tier.join('/')}`,
    run: () => requestTable(tier),
    targets: [
      atMost('firstRatio', 1.01),
      atMost('rerunRatio', 1.05),
      atMost('churnRatio', 1.15),
      atMost('verifyGroupsShare', 1 / 12),
    ],
  })),
  {
    name: 'read rate at 150 ms latency',
    run: () => node([here('./read-rate.ts'), '10,20']),
    targets: [atLeast('minShare', 0.9)],
  },
  { name: 'emulator lookups', run: () => node([here('./emulator-lookup.ts')]), targets: [atMost('lookupsMs', 2000)] },
];

function requestTiers(): string[][] {
  const tiers = [['5000', '500', '50000']];
  if (process.env.BENCH_REQUESTS_LARGE === '1') tiers.push(['50000', '10000', '500000']);
  return tiers;
}

/** bench/requests.ts prints one row per scenario; this prints them as a table and returns the ratios. */
function requestTable(tier: string[]): Record<string, unknown> {
  const { rows } = node([here('./requests.ts'), ...tier]) as { rows: Record<string, number | string>[] };
  const last = ['total', 'minimum', 'ratio', 'minimumCreatingGroupsEmpty', 'groupsReadShare', 'memberReadsOverDay'];
  const seen = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const kinds = [...seen.filter((k) => k !== 'scenario' && !last.includes(k)), ...last.filter((k) => seen.includes(k))];
  const table = [
    ['scenario', ...kinds],
    ...rows.map((r) => [String(r.scenario), ...kinds.map((k) => String(r[k] ?? 0))]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const [u, g, m] = tier;
  console.log(`\nSCIM requests per run at ${u} users / ${g} groups / ${m} memberships`);
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  const ratio = (name: string) => rows.find((r) => r.scenario === name)?.ratio;
  return {
    firstRatio: ratio('first sync'),
    rerunRatio: ratio('rerun unchanged'),
    churnRatio: ratio('1% churn'),
    verifyRatio: ratio('verification (worst hourly run)'),
    verifyGroupsShare: rows.find((r) => r.scenario === 'verification (worst hourly run)')?.groupsReadShare,
  };
}

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const rows: string[][] = [['benchmark', 'figure', 'measured', 'target', '']];
for (const bench of benches) {
  if (only && !only.some((o) => bench.name.includes(o))) continue;
  const result = bench.run();
  console.log(JSON.stringify({ name: bench.name, ...result }));
  for (const t of bench.targets) {
    const value = Number(result[t.figure]);
    rows.push([bench.name, t.figure, String(result[t.figure]), t.target, t.met(value) ? 'met' : 'MISSED']);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log();
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
