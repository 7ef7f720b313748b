import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: each benchmark in its own process, so peak RSS figures are not mixed up.
 *   plan (first)   50,000 users / 10,000 groups / 500,000 memberships, empty AWS → plan   (target ≤ 2 s, ≤ 512 MiB)
 *   plan (steady)  the same directory with 1 % churn against an in-sync AWS → plan
 *   sync           5,000 users / 500 groups into the emulator at BENCH_RATE req/s (default 50; target ≥ 95 %)
 */
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const node = (args: string[]): string => execFileSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

const results = [
  { name: 'plan (first sync)', ...JSON.parse(node([here('./plan.ts'), 'first'])) },
  { name: 'plan (steady state)', ...JSON.parse(node([here('./plan.ts'), 'steady'])) },
  { name: 'sync into emulator', ...JSON.parse(node([here('./sync.ts'), process.env.BENCH_RATE ?? '50'])) },
];
for (const r of results) console.log(JSON.stringify(r));
