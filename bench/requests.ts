import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { startEmulator, type RequestLogEntry } from '../src/emulator/index.js';
import { silentLogger } from '../src/log/logger.js';
import type { Snapshot } from '../src/model/snapshot.js';
import type { SourceConnector } from '../src/sources/types.js';
import { FileStateStore } from '../src/state/file-store.js';
import { runSync, type RunDeps } from '../src/sync/run.js';
import { benchScim } from './scim.js';
import { generateSnapshot } from './generate.js';

/**
 * What a run costs in SCIM requests, by kind, beside the theoretical minimum, for four runs of one
 * tenant: the first sync into an empty AWS, a rerun a minute after it with nothing changed, a run a
 * minute later after 1 % churn (renamed users, one member swapped in 1 % of groups), and the verification of stored
 * memberships over one `membershipVerifyIntervalHours` (24 h) with an hourly schedule, where the
 * figure is the costliest of the 24 runs. The emulator has no rate limit here; only counts matter.
 * Prints one JSON line. Usage: tsx bench/requests.ts <users> <groups> <memberships>
 */
const [users = 5_000, groups = 500, memberships = 50_000] = process.argv.slice(2).map(Number);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const PAGE = 100;
const VERIFY_HOURS = 24;

const snap = flatSnapshot(generateSnapshot({ users, groups, memberships }));
const source: SourceConnector = {
  id: 'bench',
  kind: 'file',
  readSnapshot: async (): Promise<Snapshot> => structuredClone(snap),
  close: async () => {},
};

/** No nesting, so the minimum member PATCHes follow from the listed members alone. */
function flatSnapshot(s: Snapshot): Snapshot {
  for (const g of s.groups) g.memberGroups = [];
  return s;
}

type Counts = Record<string, number>;

/** Request kinds as the issue counts them: list pages, membership reads, lookups, writes by kind. */
export function countByKind(entries: readonly RequestLogEntry[]): Counts {
  const counts: Counts = {};
  const groupIds = new Set<string>();
  const bump = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1);
  for (const e of entries) {
    const query = decodeURIComponent(e.query);
    const collection = /^\/(Users|Groups)$/.test(e.path);
    const group = /groups\.value eq "([^"]+)"/.exec(query)?.[1];
    if (e.method === 'GET' && collection && group !== undefined) {
      bump('memberReads');
      groupIds.add(group);
    } else if (e.method === 'GET' && collection && query.includes('filter=')) bump('lookups');
    else if (e.method === 'GET' && collection) bump('listPages');
    else if (e.method === 'GET') bump('gets');
    else bump(`${e.method} ${e.path.replace(/^\/(Users|Groups)\/.+$/, '/$1/{id}')}`);
  }
  counts.groupsRead = groupIds.size;
  counts.total = entries.length;
  return counts;
}

const pages = (n: number): number => Math.max(1, Math.ceil(n / PAGE));
const listPages = (u: number, g: number): number => pages(u) + pages(g);
const memberPatches = (n: number): number => Math.ceil(n / PAGE);

const emulator = await startEmulator({ tokens: ['bench-token'] });
const dir = await mkdtemp(join(tmpdir(), 'icsync-bench-requests-'));
let clock = Date.parse('2026-01-05T00:00:00Z');
const config = parseConfig({
  sources: [{ type: 'file', id: 'bench', path: '/unused.json' }],
  target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
  sync: {
    rateLimit: { requestsPerSecond: 1000, burst: 100 },
    concurrency: 8,
    membershipVerifyIntervalHours: VERIFY_HOURS,
  },
  state: { path: join(dir, 'state.json') },
});
const rows: Record<string, unknown>[] = [];
try {
  const built = benchScim(config);
  const deps: RunDeps = {
    config,
    sources: [source],
    ...built,
    state: new FileStateStore(config.state.path),
    logger: silentLogger(),
  };
  const run = async (name: string, minimum: number): Promise<Counts> => {
    const before = emulator.requestLog.length;
    const result = await runSync(deps, { mode: 'sync', now: () => clock });
    if (result.report.status !== 'success') throw new Error(`${name}: run ended ${result.report.status}`);
    const counts = countByKind(emulator.requestLog.slice(before));
    rows.push({ scenario: name, ...counts, minimum, ratio: round(counts.total! / minimum) });
    return counts;
  };

  const sizes = snap.groups.map((g) => g.memberUsers.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  // A new group's first 100 members ride in its CreateGroup POST (DG/creategroup); the rest go by PATCH.
  const patchesAfterCreate = sizes.reduce((n, s) => n + Math.max(0, memberPatches(s) - 1), 0);
  await run('first sync', 2 + users + groups + patchesAfterCreate);
  rows.at(-1)!.minimumCreatingGroupsEmpty = 2 + users + groups + sizes.reduce((n, s) => n + memberPatches(s), 0);
  clock += MINUTE_MS;
  await run('rerun unchanged', listPages(users, groups));

  const renamed = churnUsers();
  const swapped = churnGroups();
  clock += MINUTE_MS;
  await run('1% churn', listPages(users, groups) + renamed + swapped * 2);

  const perRun = Math.ceil(groups / VERIFY_HOURS);
  const pagesPerGroup = total / groups / PAGE;
  const minimum = listPages(users, groups) + Math.ceil(perRun * Math.max(1, pagesPerGroup));
  const day: Counts[] = [];
  for (let h = 0; h < VERIFY_HOURS; h += 1) {
    clock += HOUR_MS;
    const before = emulator.requestLog.length;
    await runSync(deps, { mode: 'sync', now: () => clock });
    day.push(countByKind(emulator.requestLog.slice(before)));
  }
  const worst = day.reduce((a, b) => (b.total! > a.total! ? b : a));
  rows.push({
    scenario: 'verification (worst hourly run)',
    ...worst,
    minimum,
    ratio: round(worst.total! / minimum),
    groupsReadShare: round(Math.max(...day.map((d) => d.groupsRead ?? 0)) / groups),
    memberReadsOverDay: day.reduce((n, d) => n + (d.memberReads ?? 0), 0),
  });
  await built.scim.close();
} finally {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ users, groups, memberships, rows }));

/** Renames 1 % of users: one PATCH each. */
function churnUsers(): number {
  let n = 0;
  for (let i = 0; i < snap.users.length; i += 100, n += 1) snap.users[i]!.displayName = `Renamed ${i}`;
  return n;
}

/** Swaps one member in 1 % of groups for a user not in the group: one add and one remove PATCH each. */
function churnGroups(): number {
  let n = 0;
  for (let g = 0; g < snap.groups.length; g += 100, n += 1) {
    const group = snap.groups[g]!;
    const members = new Set(group.memberUsers);
    const outsider = snap.users.find((u) => !members.has(u.externalId))!;
    group.memberUsers = [...group.memberUsers.slice(1), outsider.externalId];
  }
  return n;
}

function round(x: number): number {
  return Number(x.toFixed(3));
}
