/**
 * Start time of the CLI as a whole process, side by side with a bare `node -e 0` measured in the
 * same run (target: `--help`, `--version` and `validate-config` within 8× of it). Builds dist/
 * first; runs each command RUNS times, alternating with the baseline, and reports medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_START_RUNS ?? 15);
const TARGET_RATIO = 8;

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'icsync-start-'));
const config = join(dir, 'icsync.yaml');
// One source of every SDK-backed kind, so a start that loaded their SDKs would show.
writeFileSync(
  config,
  [
    'sources:',
    '  - { type: entra, id: corp-entra, tenantId: 11111111-2222-4333-8444-555555555555, clientId: 11111111-2222-4333-8444-555555555555, credential: { clientSecret: { env: BENCH_SECRET } } }',
    '  - { type: okta, id: corp-okta, orgUrl: "https://acme.okta.com", auth: { apiToken: { env: BENCH_SECRET } }, scope: { type: groups, ids: ["00g1"] } }',
    '  - { type: ldap, id: corp-ad, url: "ldaps://dc.example.com", bindDn: "cn=sync", bindPassword: { env: BENCH_SECRET }, users: { baseDn: "dc=example,dc=com" }, groups: { baseDn: "dc=example,dc=com" } }',
    'target:',
    '  baseUrl: https://scim.us-east-1.amazonaws.com/11111111-2222-4333-8444-555555555555/scim/v2',
    '  token: { env: BENCH_SECRET }',
    '',
  ].join('\n'),
);
const env = { ...process.env, BENCH_SECRET: 'bench-secret-value-0123456789' };

function wallMs(args: string[]): number {
  const started = performance.now();
  const ran = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' });
  if (ran.status !== 0) throw new Error(`node ${args.join(' ')} exited ${ran.status}`);
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const commands: [string, string[]][] = [
  ['--help', ['dist/cli/main.js', '--help']],
  ['--version', ['dist/cli/main.js', '--version']],
  ['validate-config', ['dist/cli/main.js', 'validate-config', '--config', config]],
];
const rows = commands.map(([name, args]) => {
  const ratios: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const baseline = wallMs(['-e', '0']);
    const ms = wallMs(args);
    times.push(ms);
    ratios.push(ms / baseline);
  }
  const ratio = median(ratios);
  return {
    name: `start: ${name}`,
    medianMs: Math.round(median(times)),
    ratioToNodeE0: Number(ratio.toFixed(2)),
    targetRatio: TARGET_RATIO,
    ok: ratio <= TARGET_RATIO,
  };
});
console.log(JSON.stringify(rows));
