import { buildDesiredState, planChanges } from '../src/diff/index.js';
import { flattenGroups } from '../src/diff/flatten.js';
import { generateSnapshot, inSyncTarget } from './generate.js';

/**
 * Times snapshot → plan for 50,000 users, 10,000 groups and 500,000 memberships, in two
 * scenarios run in separate processes (so each peak RSS is its own):
 *  - first: AWS is empty, everything is created;
 *  - steady: AWS matches the directory except 1 % churn (renames and membership changes).
 * Prints one JSON line. Usage: tsx bench/plan.ts <first|steady> [users groups memberships]
 */
const scenario = process.argv[2] ?? 'first';
const [users = 50_000, groups = 10_000, memberships = 500_000] = process.argv.slice(3).map(Number);
const size = { users, groups, memberships };
const snap = generateSnapshot(size);
const policy = {
  managedPrefixes: ['bench:'],
  adopt: false,
  deleteGracePeriodMs: 30 * 86_400_000,
  now: Date.now(),
  outOfScopeSince: {},
  brake: { percent: 5, minimum: 10 },
};
let current = { users: [], groups: [], members: new Map() } as ReturnType<typeof inSyncTarget>;
if (scenario === 'steady') {
  current = inSyncTarget(snap, flattenGroups(snap.groups).members);
  for (let i = 0; i < snap.users.length; i += 100) snap.users[i]!.displayName = `Renamed ${i}`;
  for (let g = 0; g < snap.groups.length; g += 100) snap.groups[g]!.memberUsers.pop();
}
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const desired = buildDesiredState([snap], current, { nameFallback: 'derive', maxNestingDepth: 10 });
const plan = planChanges(desired, current, policy);
const ms = performance.now() - t0;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    scenario,
    ...size,
    planMs: Math.round(ms),
    peakRssMiB: Math.round(peakRssMiB),
    rssBeforePlanMiB: Math.round(rssBefore / 1048576),
    operations: plan.operations.length,
    membershipChanges: plan.membershipChanges,
  }),
);
