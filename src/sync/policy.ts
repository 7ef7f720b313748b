import type { SourceConfig, SyncSettings } from '../config/schema.js';
import type { PlanPolicy, TakeoverRules } from '../diff/index.js';
import { ownershipPrefix } from '../model/ids.js';
import type { SourceConnector } from '../sources/types.js';

const DAY_MS = 86_400_000;

/** The planner policy a run derives from the configuration: the same for full and targeted runs. */
export function planPolicy(
  sync: SyncSettings,
  sources: readonly Pick<SourceConnector, 'id'>[],
  now: number,
  outOfScopeSince: Readonly<Record<string, string>>,
  scope?: ReadonlySet<string>,
): PlanPolicy {
  return {
    managedPrefixes: sources.map((s) => ownershipPrefix(s.id)),
    adopt: sync.adopt,
    deleteGracePeriodMs: sync.deleteGracePeriodDays * DAY_MS,
    now,
    outOfScopeSince,
    brake: sync.brake,
    groupCreateMembers: sync.groupCreateMembers,
    ...(scope ? { scope } : {}),
  };
}

/** `sources[].takeover` of every source that has one, by source id. */
export function takeoverRules(sources: readonly Pick<SourceConfig, 'id' | 'takeover'>[]): TakeoverRules {
  return new Map(sources.flatMap((s) => (s.takeover ? [[s.id, s.takeover.match] as const] : [])));
}
