import type { DesiredGroup, DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import type { Finding } from './findings.js';

/**
 * userName is unique in AWS with caseExact=false (RFC 7643 §4.1.1, DG/getschema), and so is the primary
 * email (https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html); group displayName
 * is unique too. Two source objects that would collide are resolved before any request, so the run never
 * loops on 409s (as in https://github.com/ory/polis/pull/4066).
 *
 * The winner is stable across runs: the object already bound in AWS to that key (matched by our
 * externalId) wins; otherwise the lexicographically smallest externalId wins. Losers are skipped
 * and reported.
 */
export function resolveUserCollisions(
  users: readonly DesiredUser[],
  current: readonly TargetUser[],
): { users: DesiredUser[]; findings: Finding[] } {
  const incumbent = new Map<string, string>();
  for (const t of current) {
    if (!t.externalId) continue;
    incumbent.set(`u:${foldKey(t.userName)}`, t.externalId);
    const email = t.emails[0]?.value;
    if (email) incumbent.set(`e:${foldKey(email)}`, t.externalId);
  }
  const keysOf = (u: DesiredUser): string[] => {
    const keys = [`u:${foldKey(u.userName)}`];
    const email = u.emails[0]?.value;
    if (email) keys.push(`e:${foldKey(email)}`);
    return keys;
  };
  const { kept, findings } = resolve(users, keysOf, incumbent, 'user', (k) =>
    k.startsWith('u:') ? 'userName' : 'emails',
  );
  return { users: kept, findings };
}

export function resolveGroupCollisions(
  groups: readonly DesiredGroup[],
  current: readonly TargetGroup[],
): { groups: DesiredGroup[]; findings: Finding[] } {
  const incumbent = new Map<string, string>();
  for (const t of current) if (t.externalId) incumbent.set(`g:${foldKey(t.displayName)}`, t.externalId);
  const { kept, findings } = resolve(
    groups,
    (g) => [`g:${foldKey(g.displayName)}`],
    incumbent,
    'group',
    () => 'displayName',
  );
  return { groups: kept, findings };
}

function resolve<T extends { externalId: string }>(
  items: readonly T[],
  keysOf: (item: T) => string[],
  incumbent: Map<string, string>,
  object: 'user' | 'group',
  fieldOf: (key: string) => string,
): { kept: T[]; findings: Finding[] } {
  const claims = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const list = claims.get(key);
      if (list) list.push(item);
      else claims.set(key, [item]);
    }
  }
  const losers = new Map<string, Finding>();
  for (const [key, claimants] of claims) {
    if (claimants.length < 2) continue;
    const winner = pickWinner(claimants, incumbent.get(key));
    for (const c of claimants) {
      if (c === winner || losers.has(c.externalId)) continue;
      losers.set(c.externalId, {
        object,
        externalId: c.externalId,
        action: 'skipped',
        field: fieldOf(key),
        reason: `${fieldOf(key)} collides (case-insensitively) with ${winner.externalId}, which wins`,
      });
    }
  }
  return { kept: items.filter((i) => !losers.has(i.externalId)), findings: [...losers.values()] };
}

function pickWinner<T extends { externalId: string }>(claimants: T[], incumbentExt: string | undefined): T {
  const bound = claimants.find((c) => c.externalId === incumbentExt);
  if (bound) return bound;
  return [...claimants].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0))[0]!;
}

/** Unicode NFC then case folding, the comparison AWS applies to caseExact=false attributes. */
export function foldKey(value: string): string {
  return value.normalize('NFC').toLowerCase();
}
