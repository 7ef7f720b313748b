import type { DesiredGroup, DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import type { Finding } from './findings.js';

/**
 * userName is unique in AWS with caseExact=false (RFC 7643 §4.1.1, DG/getschema), and so is the primary
 * email (https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html); group displayName
 * is unique too. Two source objects that would collide are resolved before any request, so the run never
 * loops on 409s (as in https://github.com/ory/polis/pull/4066).
 *
 * The winner is the one a person would pick, and stays the same across runs:
 * 1. the object AWS already holds with that value (matched by our externalId) keeps it;
 * 2. otherwise, for an email, the object whose own userName is that address;
 * 3. otherwise the object the source created first (`createdAt`: AD whenCreated, Okta created, …);
 * 4. the externalId only as the last tie-break, when creation times are equal or unknown.
 * Losers are skipped and reported.
 */

/** Source creation times by externalId; objects without one sort after those with one. */
export type CreatedAt = ReadonlyMap<string, string>;

export function resolveUserCollisions(
  users: readonly DesiredUser[],
  current: readonly TargetUser[],
  createdAt: CreatedAt = new Map(),
): { users: DesiredUser[]; findings: Finding[] } {
  const incumbent = (): Map<string, string> => {
    const byKey = new Map<string, string>();
    for (const t of current) {
      if (!t.externalId) continue;
      byKey.set(`u:${foldKey(t.userName)}`, t.externalId);
      const email = t.emails[0]?.value;
      if (email) byKey.set(`e:${foldKey(email)}`, t.externalId);
    }
    return byKey;
  };
  const keysOf = (u: DesiredUser): string[] => {
    const keys = [`u:${foldKey(u.userName)}`];
    const email = u.emails[0]?.value;
    if (email) keys.push(`e:${foldKey(email)}`);
    return keys;
  };
  const ownsValue = (u: DesiredUser, key: string): boolean =>
    key.startsWith('e:') && `e:${foldKey(u.userName)}` === key;
  const rules = { incumbent, createdAt, ownsValue };
  const { kept, findings } = resolve(users, keysOf, rules, 'user', (k) => (k.startsWith('u:') ? 'userName' : 'emails'));
  return { users: kept, findings };
}

export function resolveGroupCollisions(
  groups: readonly DesiredGroup[],
  current: readonly TargetGroup[],
  createdAt: CreatedAt = new Map(),
): { groups: DesiredGroup[]; findings: Finding[] } {
  const incumbent = (): Map<string, string> => {
    const byKey = new Map<string, string>();
    for (const t of current) if (t.externalId) byKey.set(`g:${foldKey(t.displayName)}`, t.externalId);
    return byKey;
  };
  const rules = { incumbent, createdAt, ownsValue: () => false };
  const { kept, findings } = resolve(
    groups,
    (g) => [`g:${foldKey(g.displayName)}`],
    rules,
    'group',
    () => 'displayName',
  );
  return { groups: kept, findings };
}

interface WinnerRules<T> {
  /** Our externalId holding each value in AWS; built only when two objects collide, which is rare. */
  incumbent: () => ReadonlyMap<string, string>;
  createdAt: CreatedAt;
  ownsValue: (item: T, key: string) => boolean;
}

function resolve<T extends { externalId: string }>(
  items: readonly T[],
  keysOf: (item: T) => string[],
  rules: WinnerRules<T>,
  object: 'user' | 'group',
  fieldOf: (key: string) => string,
): { kept: T[]; findings: Finding[] } {
  // One entry per userName and email: a list only where two claim the same value, since a list
  // per value costs tens of MiB at 200,000 users.
  const claims = new Map<string, T | T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const held = claims.get(key);
      if (held === undefined) claims.set(key, item);
      else if (Array.isArray(held)) held.push(item);
      else claims.set(key, [held, item]);
    }
  }
  const losers = new Map<string, Finding>();
  let incumbent: ReadonlyMap<string, string> | undefined;
  for (const [key, claimants] of claims) {
    if (!Array.isArray(claimants)) continue;
    incumbent ??= rules.incumbent();
    const winner = pickWinner(claimants, key, incumbent, rules);
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

function pickWinner<T extends { externalId: string }>(
  claimants: T[],
  key: string,
  incumbent: ReadonlyMap<string, string>,
  rules: WinnerRules<T>,
): T {
  const bound = claimants.find((c) => c.externalId === incumbent.get(key));
  if (bound) return bound;
  const owners = claimants.filter((c) => rules.ownsValue(c, key));
  const pool = owners.length > 0 ? owners : claimants;
  // The earliest created wins; the externalId breaks ties. `claimants` is never empty.
  return pool.reduce((best, c) =>
    (compareCreated(rules.createdAt, c.externalId, best.externalId) || compareText(c.externalId, best.externalId)) < 0
      ? c
      : best,
  );
}

/** Earlier first; ISO 8601 UTC strings of equal precision compare as text, so times are parsed. */
function compareCreated(createdAt: CreatedAt, a: string, b: string): number {
  const ta = Date.parse(createdAt.get(a) ?? '');
  const tb = Date.parse(createdAt.get(b) ?? '');
  if (Number.isNaN(ta) || Number.isNaN(tb))
    return Number.isNaN(ta) === Number.isNaN(tb) ? 0 : Number.isNaN(ta) ? 1 : -1;
  return ta - tb;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unicode NFC then case folding, the comparison AWS applies to caseExact=false attributes. */
export function foldKey(value: string): string {
  // NFC leaves printable ASCII as it is; skipping it saves a string copy per key, millions per plan.
  return (ASCII.test(value) ? value : value.normalize('NFC')).toLowerCase();
}

const ASCII = /^[ -~]*$/;
