import { flattenGroups } from '../diff/flatten.js';
import { UsageError } from '../errors.js';
import type { Group } from '../model/group.js';
import { makeExternalId } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { User } from '../model/user.js';

/** One `--only user:<userName or id>` / `--only group:<displayName or id>`. */
export interface OnlySelector {
  kind: 'user' | 'group';
  value: string;
}

/** What `--only` picked out of complete snapshots, by externalId. */
export interface Selection {
  users: Map<string, User>;
  groups: Map<string, Group>;
}

/** The forms `--only` accepts, in every message refusing a selector. */
const VALID_FORMS = 'user:<userName or source id> or group:<displayName or source id>';

/** A malformed selector is a command-line mistake (exit 64), refused before the config is read. */
export function parseOnlySelectors(raw: readonly string[]): OnlySelector[] {
  return raw.map((text) => {
    const match = /^(user|group):(.+)$/.exec(text.trim());
    if (!match?.[1] || !match[2]) throw new UsageError(`--only ${text}: malformed selector; expected ${VALID_FORMS}`);
    return { kind: match[1] as OnlySelector['kind'], value: match[2] };
  });
}

/**
 * Each selector matches by name (userName / displayName, compared case-insensitively as IAM Identity
 * Center does), by the object's id in its source, or by its externalId; a name found in two sources
 * selects both. A selector that matches nothing is a command-line mistake (exit 64), refused before
 * AWS is read.
 */
export function selectObjects(snapshots: readonly Snapshot[], selectors: readonly OnlySelector[]): Selection {
  const selection: Selection = { users: new Map(), groups: new Map() };
  const unknown: string[] = [];
  for (const selector of selectors) {
    const key = selector.value.toLowerCase();
    let found = 0;
    for (const snap of snapshots) {
      const byId = (ext: string): boolean =>
        ext === selector.value || safeExternalId(snap.sourceId, selector.value) === ext;
      if (selector.kind === 'user') {
        for (const u of snap.users.filter((u) => u.userName.toLowerCase() === key || byId(u.externalId))) {
          selection.users.set(u.externalId, u);
          found += 1;
        }
      } else {
        for (const g of snap.groups.filter((g) => g.displayName.toLowerCase() === key || byId(g.externalId))) {
          selection.groups.set(g.externalId, g);
          found += 1;
        }
      }
    }
    if (found === 0) unknown.push(`${selector.kind}:${selector.value}`);
  }
  if (unknown.length > 0) {
    const names = snapshots.map((s) => s.sourceId).join(', ');
    throw new UsageError(
      `--only ${unknown.join(', ')}: not found in the sources (${names}) by name, source id or externalId; expected ${VALID_FORMS}; nothing was read from AWS or applied`,
    );
  }
  return selection;
}

function safeExternalId(sourceId: string, id: string): string | undefined {
  try {
    return makeExternalId(sourceId, id);
  } catch {
    return undefined;
  }
}

/**
 * The snapshots an `--only` run plans from: the selected users; the selected groups with their
 * whole (flattened) membership; and, as "member-only" groups, every other group that holds a
 * selected user in the source or in AWS (`awsGroupsOfSelected`), listing only the selected users,
 * so the plan adds or removes exactly those memberships and never touches another member.
 */
export function restrictSnapshots(
  snapshots: readonly Snapshot[],
  selection: Selection,
  awsGroupsOfSelected: ReadonlySet<string>,
  maxNestingDepth: number,
): Snapshot[] {
  return snapshots.map((snap): Snapshot => {
    const flat = flattenGroups(snap.groups, maxNestingDepth).members;
    const groups: Group[] = [];
    for (const g of snap.groups) {
      const members = flat.get(g.externalId) ?? [];
      if (selection.groups.has(g.externalId)) {
        groups.push({ ...g, memberUsers: members, memberGroups: [] });
        continue;
      }
      const selected = members.filter((m) => selection.users.has(m));
      if (selected.length === 0 && !awsGroupsOfSelected.has(g.externalId)) continue;
      groups.push({ ...g, memberUsers: selected, memberGroups: [] });
    }
    return {
      ...snap,
      users: snap.users.filter((u) => selection.users.has(u.externalId)),
      groups,
      unresolvedMembers: [],
      skipped: [],
    };
  });
}
