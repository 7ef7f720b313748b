/**
 * What an operator reviewing a plan sees, through the built CLI against `icsync emulator`: after a
 * first sync, changed directory values show as old → new on the changed user, membership changes
 * name the user and group, `--full` prints every row, and `--json` conforms to the committed
 * docs/plan.schema.json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate, type Schema } from '../helpers/json-schema.js';
import {
  makePod,
  podEnv,
  ROOT,
  run,
  start,
  waitFor,
  writeConfig,
  type IcsyncProcess,
  type Pod,
} from './cli-process.js';

const TOKEN = 'canary-plan-output-token-5e2a90c1';
const USERS = 12;
const RENAMED = 10;

let emulator: IcsyncProcess;
let pod: Pod;
let directory: string;

/** A file-source export; `changed` renames the first RENAMED people and puts person 2 in `admins`. */
async function writePeople(changed: boolean): Promise<void> {
  const users = Array.from({ length: USERS }, (_, n) => ({
    id: `p${n}`,
    userName: `person${n}@example.com`,
    displayName: changed && n < RENAMED ? `Person ${n} Renamed` : `Person ${n}`,
    givenName: 'Person',
    familyName: `Number${n}`,
    title: changed && n === 1 ? 'Staff Engineer' : 'Engineer',
    emails: [{ value: `person${n}@example.com`, type: 'work', primary: true }],
  }));
  const admins = changed ? ['p0', 'p1', 'p2'] : ['p0', 'p1'];
  await writeFile(
    directory,
    JSON.stringify({
      users,
      groups: [
        { id: 'staff', displayName: 'Staff', members: users.map((u) => u.id) },
        { id: 'admins', displayName: 'Admins', members: admins },
      ],
    }),
  );
}

beforeAll(async () => {
  emulator = start(['emulator', '--port', '0'], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  const baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator.stdout)?.[1]);
  pod = await makePod({ 'scim-token': TOKEN });
  directory = join(pod.dir, 'etc/icsync/directory.json');
  await writePeople(false);
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: directory }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 200, burst: 20 } },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
  });
  expect((await run(['sync', '--config', pod.configPath], podEnv())).code).toBe(0);
  await writePeople(true);
});

afterAll(() => emulator.kill());

describe('icsync diff after the directory changed', () => {
  it('prints old → new for each changed attribute and names the user and group of a membership change', async () => {
    const diff = await run(['diff', '--config', pod.configPath], podEnv());
    expect(diff.code).toBe(2);
    const row = diff.stdout.split('\n').findIndex((l) => /^patchUser\s+person1@example.com \(hr-export\/p1, /.test(l));
    expect(row).toBeGreaterThan(0);
    const details = diff.stdout.split('\n').slice(row + 1, row + 3);
    expect(details).toEqual([
      expect.stringMatching(/~ displayName\s+"Person 1" → "Person 1 Renamed"$/),
      expect.stringMatching(/~ title\s+"Engineer" → "Staff Engineer"$/),
    ]);
    expect(diff.stdout).toMatch(/addMembers\s+Admins \(hr-export\/admins, \S+\)\s+\+1 member\(s\)/);
    expect(diff.stdout).toMatch(/\+ person2@example.com \(hr-export\/p2, \S+\)/);
    expect(diff.stdout).toContain(`… ${RENAMED - 8} more row(s) not shown (${RENAMED - 8} patchUser)`);
    expect(diff.stdout + diff.stderr).not.toContain(TOKEN);
  });

  it('--full prints every row', async () => {
    const full = await run(['diff', '--config', pod.configPath, '--full'], podEnv());
    expect(full.code).toBe(2);
    expect(full.stdout.match(/^patchUser /gm)).toHaveLength(RENAMED);
    for (let n = 0; n < RENAMED; n += 1) expect(full.stdout).toContain(`"Person ${n}" → "Person ${n} Renamed"`);
    expect(full.stdout).not.toContain('not shown');
  });

  it('--json conforms to docs/plan.schema.json and carries the old values', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'docs/plan.schema.json'), 'utf8')) as Schema;
    const diff = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    const doc = JSON.parse(diff.stdout) as { schemaVersion: number; plan: { operations: unknown[] } };
    expect(validate(schema, doc)).toEqual([]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.plan.operations).toContainEqual(
      expect.objectContaining({
        kind: 'patchUser',
        changes: expect.arrayContaining([{ path: 'title', value: 'Staff Engineer', from: 'Engineer' }]) as unknown,
      }),
    );
    const sync = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(sync.code).toBe(0);
    expect(validate(schema, JSON.parse(sync.stdout))).toEqual([]);
  });
});
