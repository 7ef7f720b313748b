import type { Snapshot } from '../src/model/snapshot.js';
import { makeExternalId } from '../src/model/ids.js';
import { generateSnapshot } from './generate.js';

/**
 * First-sync tenants of the load tiers: a medium tenant (5,000 users, 500 groups, ≈50,000
 * memberships) and a large one at AWS's own boundary for API administration (50,000 users, 10,000
 * groups, ≈500,000 memberships; https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html).
 * Group 0 is the biggest group the tier can hold (20,000 members; all 5,000 users in the medium
 * tier), group 1 has exactly 100 members (one PATCH) and group 2 has 101 (two PATCHes,
 * https://docs.aws.amazon.com/singlesignon/latest/developerguide/patchgroup.html); the rest share
 * the remaining memberships. No nesting, so memberships are exactly what is listed.
 */
export const TIERS = {
  medium: { users: 5_000, groups: 500, memberships: 50_000, biggest: 5_000 },
  large: { users: 50_000, groups: 10_000, memberships: 500_000, biggest: 20_000 },
} as const;

export type Tier = keyof typeof TIERS;

export function tierSnapshot(tier: Tier): Snapshot {
  const size = TIERS[tier];
  const snap = generateSnapshot({ users: size.users, groups: size.groups, memberships: 0 }, 'bench');
  const ids = snap.users.map((u) => u.externalId);
  const fixed = [size.biggest, 100, 101];
  const rest = Math.floor((size.memberships - fixed.reduce((a, b) => a + b, 0)) / (size.groups - fixed.length));
  snap.groups.forEach((g, i) => {
    const count = fixed[i] ?? rest;
    const start = (i * 7919) % ids.length;
    g.memberUsers = Array.from({ length: count }, (_, k) => ids[(start + k) % ids.length]!);
    g.memberGroups = [];
    g.externalId = makeExternalId('bench', `g${i}`);
  });
  return snap;
}
