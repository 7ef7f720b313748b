import { compileMapping } from '../../mapping/config.js';
import type { Logger } from '../../log/logger.js';
import type { SourceStateStore } from '../types.js';
import type { OktaApi } from './client.js';
import type { OktaSourceConfig } from './config.js';
import { readRound, type Baseline, type RoundSpec } from './read.js';
import type { Directory, GroupEntry, UserEntry, Watermarks } from './transform.js';

/**
 * When a read is full and when incremental, and the state that carries one round to the next: the
 * `lastUpdated` watermark for users and each group's `lastMembershipUpdated` (transform.ts, GroupEntry).
 *
 * A full read runs when incremental reads are disabled, when no complete earlier round is stored (first
 * run, lost or unreadable state), when the scope or mapping settings changed since the stored round, and at
 * least every `incremental.fullReadIntervalHours`. It is the backstop: anything an incremental round could
 * miss is corrected by the next full read. Otherwise the round is incremental (read.ts, `readRound`).
 *
 * The stored round (users as mapped, groups with member ids, watermarks) is saved only after a complete
 * round, and the watermarks always together with the data they describe, so a crash merely repeats work.
 */

const STATE_KEY = 'okta-round';
const STATE_VERSION = 1;

/**
 * User changes are searched from this long before the watermark: Okta serves `search` from an eventually
 * consistent index (Okta API: "List all users" / "List all groups", notes on search), so an update stamped
 * just before the watermark may not have been visible to the previous round. Re-reading a few users is
 * harmless. It also covers a local clock up to five minutes ahead of Okta's, since the watermark is capped
 * at the round's start (read.ts). Groups need no overlap: each is compared with its own stored
 * lastMembershipUpdated.
 */
const WATERMARK_OVERLAP_MS = 5 * 60_000;

interface StoredRound {
  version: typeof STATE_VERSION;
  /** The settings the stored users were mapped with; a different key forces a full read. */
  configKey: string;
  fullReadAt: string;
  users: [string, UserEntry][];
  groups: [string, GroupEntry][];
  watermarks: Watermarks;
}

export interface RoundResult {
  directory: Directory;
  mode: 'full' | 'incremental';
  /** Why a full read ran, for the log. */
  reason?: string;
}

export interface IncrementalDeps {
  state: SourceStateStore;
  logger: Logger;
  now: () => number;
}

export async function readWithState(
  api: OktaApi,
  config: OktaSourceConfig,
  deps: IncrementalDeps,
): Promise<RoundResult> {
  const spec = roundSpec(config);
  const stored = config.incremental.enabled ? await load(deps) : undefined;
  const startedAt = deps.now();
  const reason = fullReadReason(config, stored, startedAt);
  if (reason !== undefined || stored === undefined) {
    const directory = await readRound(api, spec, undefined, startedAt);
    await save(deps, config, directory, new Date(startedAt).toISOString());
    return { directory, mode: 'full', reason: reason ?? 'no complete earlier read is stored' };
  }
  const directory = await readRound(api, spec, baselineOf(stored), startedAt);
  await save(deps, config, directory, stored.fullReadAt);
  return { directory, mode: 'incremental' };
}

export function roundSpec(config: OktaSourceConfig): RoundSpec {
  return {
    sourceId: config.id,
    statuses: config.statuses,
    attributes: config.attributes,
    mapping: compileMapping(config.mapping),
    scope: config.scope,
    concurrency: config.maxConcurrency,
  };
}

function fullReadReason(config: OktaSourceConfig, stored: StoredRound | undefined, now: number): string | undefined {
  if (!config.incremental.enabled) return 'incremental reads are disabled';
  if (stored === undefined) return 'no complete earlier read is stored';
  if (stored.configKey !== configKey(config)) return 'scope or mapping settings changed since the stored read';
  const age = now - Date.parse(stored.fullReadAt);
  if (!(age < config.incremental.fullReadIntervalHours * 3_600_000))
    return `the last full read is older than ${config.incremental.fullReadIntervalHours} h`;
  return undefined;
}

function baselineOf(stored: StoredRound): Baseline {
  return {
    directory: { users: new Map(stored.users), groups: new Map(stored.groups), watermarks: stored.watermarks },
    since: stored.watermarks.lastUpdated === undefined ? {} : { lastUpdated: behind(stored.watermarks.lastUpdated) },
  };
}

function behind(watermark: string): string {
  return new Date(Date.parse(watermark) - WATERMARK_OVERLAP_MS).toISOString();
}

/** Everything that changes which users are in scope or how they are mapped. Credentials and tuning are not part of it. */
function configKey(config: OktaSourceConfig): string {
  // Stored users are mapped, so a mapping change needs a full read; without one the key is what it always was.
  const { id, orgUrl, scope, statuses, attributes, mapping } = config;
  return JSON.stringify({ id, orgUrl, scope, statuses, attributes, mapping });
}

/** A state that cannot be read or is not ours means a full read, never a failed one. */
async function load(deps: IncrementalDeps): Promise<StoredRound | undefined> {
  let value: unknown;
  try {
    value = await deps.state.load<unknown>(STATE_KEY);
  } catch (err) {
    deps.logger.warn({ err }, 'stored Okta read state could not be loaded; running a full read');
    return undefined;
  }
  return isStoredRound(value) ? value : undefined;
}

/**
 * Saving is best effort: the round is complete whether or not its state is kept, and an older (or no)
 * stored round only makes the next round read more.
 */
async function save(
  deps: IncrementalDeps,
  config: OktaSourceConfig,
  directory: Directory,
  fullReadAt: string,
): Promise<void> {
  if (!config.incremental.enabled) return;
  const stored: StoredRound = {
    version: STATE_VERSION,
    configKey: configKey(config),
    fullReadAt,
    users: [...directory.users],
    groups: [...directory.groups],
    watermarks: directory.watermarks,
  };
  try {
    await deps.state.save(STATE_KEY, stored);
  } catch (err) {
    deps.logger.warn({ err }, 'Okta read state could not be saved; the next read will repeat more work');
  }
}

function isStoredRound(value: unknown): value is StoredRound {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredRound>;
  return (
    v.version === STATE_VERSION &&
    typeof v.configKey === 'string' &&
    typeof v.fullReadAt === 'string' &&
    Array.isArray(v.users) &&
    Array.isArray(v.groups) &&
    typeof v.watermarks === 'object' &&
    v.watermarks !== null
  );
}
