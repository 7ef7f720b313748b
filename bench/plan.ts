import { buildDesiredState, planChanges, planHash } from '../src/diff/index.js';
import { flattenGroups } from '../src/diff/flatten.js';
import { generateSnapshot, inSyncTarget } from './generate.js';

/**
 * Times snapshot → plan for 50,000 users, 10,000 groups and 500,000 memberships (times `scale`,
 * the second argument, default 1), in two scenarios run in separate processes (so each peak RSS
 * is its own):
 *  - first: AWS is empty, everything is created;
 *  - steady: AWS matches the directory except 1 % churn (renames and membership changes).
 * `hashMs` hashes the plan's operations once more, for the hash's share of the plan time.
 * Run with --expose-gc, the garbage of building the inputs is collected before planning, as it is
 * in a real run, where the AWS state is read over minutes. Prints one JSON line.
 */
const scenario = process.argv[2] ?? 'first';
const scale = Number(process.argv[3] ?? '1');
const size = { users: 50_000 * scale, groups: 10_000 * scale, memberships: 500_000 * scale };
const snap = generateSnapshot(size);
const policy = {
  managedPrefixes: ['bench/'],
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
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const desired = buildDesiredState([snap], current, { nameFallback: 'derive', maxNestingDepth: 10 });
const plan = planChanges(desired, current, policy);
const ms = performance.now() - t0;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
const h0 = performance.now();
planHash(plan.operations);
const hashMs = performance.now() - h0;
console.log(
  JSON.stringify({
    scenario,
    ...size,
    planMs: Math.round(ms),
    hashMs: Math.round(hashMs),
    hashShare: Number((hashMs / ms).toFixed(3)),
    peakRssMiB: Math.round(peakRssMiB),
    rssBeforePlanMiB: Math.round(rssBefore / 1048576),
    operations: plan.operations.length,
    membershipChanges: plan.membershipChanges,
  }),
);
