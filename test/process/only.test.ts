/**
 * Provision on demand: `icsync sync --only user:<name>` / `--only group:<name>` through the built CLI
 * against `icsync emulator`, both child processes. What AWS holds afterwards is read back over SCIM:
 * only the selected objects and their memberships may have been written.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePod, podEnv, run, start, waitFor, writeConfig, type IcsyncProcess, type Pod } from './cli-process.js';

const TOKEN = 'canary-only-scim-token-3e8d21';

let emulator: IcsyncProcess;
let baseUrl: string;
let pod: Pod;
let directory: string;

const user = (n: number, displayName = `Person ${n}`) => ({
  id: `u${n}`,
  userName: `person${n}@example.com`,
  displayName,
  givenName: 'Person',
  familyName: `Number${n}`,
});

async function writeDirectory(groups: Record<string, string[]>, renamed: Record<number, string> = {}): Promise<void> {
  await writeFile(
    directory,
    JSON.stringify({
      users: [0, 1, 2, 3].map((n) => user(n, renamed[n])),
      groups: Object.entries(groups).map(([id, members]) => ({ id, displayName: id, members })),
    }),
  );
}

async function scim(path: string): Promise<{ totalResults: number; Resources: Array<Record<string, any>> }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { totalResults: number; Resources: Array<Record<string, any>> };
}

/** userName of every AWS user, and for each AWS group the userNames of its members. */
async function awsState(): Promise<{ users: string[]; groups: Record<string, string[]> }> {
  const users = (await scim('/Users')).Resources.map((u) => u.userName as string).sort();
  const groups: Record<string, string[]> = {};
  for (const g of (await scim('/Groups')).Resources) {
    const filter = encodeURIComponent(`groups.value eq "${g.id}"`);
    groups[g.displayName as string] = (await scim(`/Users?filter=${filter}`)).Resources.map(
      (u) => u.userName as string,
    ).sort();
  }
  return { users, groups };
}

const icsync = (...args: string[]) => run([...args, '--config', pod.configPath], podEnv());

beforeAll(async () => {
  // Unthrottled: the test's own reads of AWS state must not draw 429s meant for icsync.
  emulator = start(['emulator', '--port', '0', '--rate', '0'], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator.stdout)?.[1]);
  pod = await makePod({ 'scim-token': TOKEN });
  directory = join(pod.dir, 'etc/icsync/directory.json');
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr', path: directory }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 200, burst: 20 } },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
  });
});

afterAll(() => emulator?.kill());

describe('sync --only', () => {
  it('an unknown name or a malformed selector is a command-line mistake: exit 64, one line naming it and the valid forms, nothing written', async () => {
    await writeDirectory({ staff: ['u0', 'u1', 'u2', 'u3'], admins: ['u0', 'u1'], ops: ['admins', 'u3'] });
    const forms = 'expected user:<userName or source id> or group:<displayName or source id>';
    const icsyncLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('icsync:'));
    const unknown = await icsync('sync', '--only', 'user:nobody@example.com', '--only', 'group:staff');
    expect(unknown.code).toBe(64);
    const [line, ...more] = icsyncLines(unknown.stderr);
    expect(more).toEqual([]);
    expect(line).toContain('--only user:nobody@example.com: not found in the sources (hr)');
    expect(line).toContain(forms);
    expect(await awsState()).toEqual({ users: [], groups: {} });
    const malformed = await icsync('diff', '--only', 'person:x', '--json');
    expect(malformed.code).toBe(64);
    expect(icsyncLines(malformed.stderr)).toEqual([`icsync: --only person:x: malformed selector; ${forms}`]);
    const { report } = JSON.parse(malformed.stdout) as { report: { status: string; exitCode: number } };
    expect(report).toMatchObject({ status: 'usage-error', exitCode: 64 });
  });

  it('user:<userName> creates that user alone and puts it in each of its groups, nested ones included', async () => {
    const result = await icsync('sync', '--only', 'user:Person1@example.com', '--json');
    expect(result.code).toBe(0);
    // The report times each phase, as a full run's does.
    const { report } = JSON.parse(result.stdout) as { report: { timingsMs: Record<string, number> } };
    expect(Object.keys(report.timingsMs).sort()).toEqual(['apply', 'plan', 'readSources', 'readTarget']);
    expect(await awsState()).toEqual({
      users: ['person1@example.com'],
      groups: { admins: ['person1@example.com'], ops: ['person1@example.com'], staff: ['person1@example.com'] },
    });
  });

  it('diff --only group:<name> plans that group and its members AWS knows, and leaves the others to the full sync', async () => {
    const result = await icsync('diff', '--only', 'group:staff', '--json');
    expect(result.code).toBe(0);
    const { plan, report } = JSON.parse(result.stdout) as {
      plan: { operations: unknown[] };
      report: { findings: Array<{ reason: string }> };
    };
    expect(plan.operations).toEqual([]);
    expect(report.findings.filter((f) => f.reason.includes('not in AWS yet')).length).toBe(3);
  });

  it('after a full sync, user:<source id> changes only that user’s memberships, never another member or user', async () => {
    expect((await icsync('sync')).code).toBe(0);
    await writeDirectory({ staff: ['u0', 'u1', 'u2'], admins: ['u0'], ops: ['admins', 'u3'] }, { 2: 'Renamed Two' });
    const diff = await icsync('diff', '--only', 'user:u1', '--json');
    expect(diff.code).toBe(2);
    const kinds = (JSON.parse(diff.stdout) as { plan: { operations: Array<{ kind: string }> } }).plan.operations.map(
      (o) => o.kind,
    );
    expect(kinds).toEqual(['removeMembers', 'removeMembers']);
    expect((await icsync('sync', '--only', 'user:u1')).code).toBe(0);
    const everyone = ['person0@example.com', 'person1@example.com', 'person2@example.com', 'person3@example.com'];
    expect(await awsState()).toEqual({
      users: everyone,
      groups: {
        admins: ['person0@example.com'],
        ops: ['person0@example.com', 'person3@example.com'],
        staff: everyone,
      },
    });
    const person2 = (await scim(`/Users?filter=${encodeURIComponent('userName eq "person2@example.com"')}`))
      .Resources[0];
    expect(person2?.displayName).toBe('Person 2');
  });

  it('a SCIM token AWS refuses exits 5 with a --json report, as a full run does, not 1', async () => {
    const stale = await makePod({ 'scim-token': 'canary-only-stale-token-0a4d' });
    await writeConfig(stale, {
      sources: [{ type: 'file', id: 'hr', path: directory }],
      target: { baseUrl, token: stale.secret('scim-token'), allowLocalEmulator: true },
      state: { kind: 'file', path: join(stale.stateDir, 'state.json') },
    });
    const result = await run(['diff', '--only', 'user:u1', '--json', '--config', stale.configPath], podEnv());
    expect(result.code).toBe(5);
    const { report } = JSON.parse(result.stdout) as { report: { status: string; exitCode: number } };
    expect(report).toMatchObject({ status: 'credentials-invalid', exitCode: 5 });
    expect(result.stdout + result.stderr).not.toContain('canary-only-stale-token-0a4d');
  });
});
