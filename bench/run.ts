import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: each benchmark in its own process, so peak RSS figures are not mixed up.
 *   start          --help, --version, validate-config as processes vs a bare `node -e 0` (target ≤ 8×)
 *   plan (first)   50,000 users / 10,000 groups / 500,000 memberships, empty AWS → plan   (target ≤ 2 s, ≤ 512 MiB)
 *   plan (steady)  the same directory with 1 % churn against an in-sync AWS → plan
 *   sync           5,000 users / 500 groups into the emulator at BENCH_RATE req/s (default 50; target ≥ 95 %)
 *   429 storm      the built CLI against the emulator answering 429 to every request for BENCH_STORM_SECONDS
 *                  (default 60), reads included; target exit 0
 *   first sync     load tiers from a fresh AWS at a configured rate against a 20 req/s emulator bucket, per
 *                  `tier:rate` in BENCH_TIERS (default "medium:10", about 11 minutes; "large:10" and "large:25"
 *                  take about 2 h and 1 h); set BENCH_TIERS="" to skip. Each line carries `pass`.
 *   queue          the same through BullMQ with two workers, at each rate in BENCH_QUEUE_RATES (default "10,25";
 *                  about 10 and 4 minutes); set BENCH_QUEUE_RATES="" to skip
 */
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const node = (args: string[]): string =>
  execFileSync(process.execPath, ['--import', 'tsx', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();

const results = [
  ...(JSON.parse(node([here('./start.ts')])) as object[]),
  { name: 'plan (first sync)', ...JSON.parse(node([here('./plan.ts'), 'first'])) },
  { name: 'plan (steady state)', ...JSON.parse(node([here('./plan.ts'), 'steady'])) },
  { name: 'sync into emulator', ...JSON.parse(node([here('./sync.ts'), process.env.BENCH_RATE ?? '50'])) },
  JSON.parse(node([here('./storm.ts')])) as object,
  ...(process.env.BENCH_TIERS ?? 'medium:10')
    .split(',')
    .filter(Boolean)
    .map((spec) => {
      const [tier, rate] = spec.split(':');
      return {
        name: `first sync, ${tier} tier at ${rate} req/s`,
        ...JSON.parse(node([here('./first-sync.ts'), tier!, rate ?? '10'])),
      };
    }),
  ...(process.env.BENCH_QUEUE_RATES ?? '10,25')
    .split(',')
    .filter(Boolean)
    .map((rate) => ({ name: `queue sync at ${rate} req/s`, ...JSON.parse(node([here('./queue.ts'), rate])) })),
];
for (const r of results) console.log(JSON.stringify(r));
