/**
 * Attribute mapping as an operator uses it: a `mapping` section in the config file, `validate-config`,
 * `diff --json` and `sync` run as the built CLI against `icsync emulator`, and what the emulator holds
 * afterwards. The file source stands in for any directory: its users carry extra `attributes` that only
 * the mapping reads.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePod, podEnv, run, start, waitFor, writeConfig, type IcsyncProcess, type Pod } from './cli-process.js';

const TOKEN = 'canary-mapping-scim-token-7c41e0aa';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let emulator: IcsyncProcess;
let baseUrl: string;

/** Every attribute IAM Identity Center's attributes for access control can read, fed by a mapping. */
const ABAC_MAPPING = {
  userName: 'lower(attributes.login)',
  'name.givenName': 'attributes.first',
  'name.familyName': 'upper(attributes.last)',
  displayName: '`${attributes.first} ${attributes.last}`',
  nickName: "coalesce(attributes.nick, 'none')",
  email: "replace(attributes.login, '@OLD\\.example$', '@example.com', 'i')",
  'address.streetAddress': 'attributes.street',
  'address.locality': 'attributes.city',
  'address.region': 'attributes.region',
  'address.postalCode': 'attributes.zip',
  'address.country': 'attributes.country',
  phoneNumber: 'attributes.phone',
  userType: "'Employee'",
  title: 'trim(attributes.jobTitle)',
  locale: 'attributes.locale',
  timezone: 'attributes.tz',
  'enterprise.employeeNumber': 'attributes.empNo',
  'enterprise.costCenter': "coalesce(attributes.cc, 'CC-000')",
  'enterprise.organization': "'Example Corp'",
  'enterprise.division': "join('/', attributes.divisions)",
  'enterprise.department': 'lower(department)',
  'enterprise.manager': 'manager',
};

const BASE_ATTRIBUTES = {
  street: '1 Main St',
  city: 'Springfield',
  region: 'OR',
  zip: '97403',
  country: 'US',
  phone: '+1 555 0100',
  jobTitle: '  Staff Engineer  ',
  locale: 'en-US',
  tz: 'America/Los_Angeles',
  divisions: ['R&D', 'Cloud'],
};

function person(id: string, attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id,
    userName: `unused-${id}@example.com`,
    department: 'Platform',
    attributes: { ...BASE_ATTRIBUTES, empNo: `E-${id}`, ...attributes },
    ...extra,
  };
}

async function podFor(users: unknown[], mapping: Record<string, unknown>): Promise<Pod> {
  const pod = await makePod({ 'scim-token': TOKEN });
  const path = join(pod.dir, 'etc/icsync/directory.json');
  await writeFile(path, JSON.stringify({ users, groups: [] }));
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr', path, mapping }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 200, burst: 20 } },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
  });
  return pod;
}

async function awsUser(userName: string): Promise<Record<string, unknown>> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  const res = await fetch(`${baseUrl}/Users?filter=${filter}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { Resources: Array<Record<string, unknown>> };
  expect(body.Resources).toHaveLength(1);
  return body.Resources[0] as Record<string, unknown>;
}

beforeAll(async () => {
  emulator = start(['emulator', '--port', '0'], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator.stdout)?.[1]);
});

afterAll(() => emulator.kill());

describe('attribute mapping through the CLI', () => {
  it('lands every ABAC attribute in AWS, and the manager created in the same run by a second pass', async () => {
    const pod = await podFor(
      [
        person('ann', { login: 'Ann.Lee@OLD.example', first: 'Ann', last: 'Lee' }, { manager: 'bob' }),
        person('bob', { login: 'Bob.Stone@old.example', first: 'Bob', last: 'Stone', cc: 'CC-7', nick: 'Bobby' }),
      ],
      { user: ABAC_MAPPING },
    );
    const validated = await run(['validate-config', '--config', pod.configPath], podEnv());
    expect(validated.code).toBe(0);

    const diff = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    expect(diff.code).toBe(2);
    const planned = JSON.parse(diff.stdout) as { plan: { operations: Array<Record<string, unknown>> } };
    expect(planned.plan.operations.map((op) => op.kind)).toEqual(['createUser', 'createUser', 'setManager']);
    expect(planned.plan.operations[0]).toMatchObject({
      user: { userName: 'ann.lee@old.example', enterprise: { costCenter: 'CC-000', department: 'platform' } },
    });

    const sync = await run(['sync', '--config', pod.configPath], podEnv());
    expect(sync.code).toBe(0);
    const bob = await awsUser('bob.stone@old.example');
    const ann = await awsUser('ann.lee@old.example');
    expect(ann).toMatchObject({
      name: { givenName: 'Ann', familyName: 'LEE' },
      displayName: 'Ann Lee',
      nickName: 'none',
      emails: [{ value: 'Ann.Lee@example.com', type: 'work', primary: true }],
      addresses: [
        {
          type: 'work',
          streetAddress: '1 Main St',
          locality: 'Springfield',
          region: 'OR',
          postalCode: '97403',
          country: 'US',
          primary: true,
        },
      ],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work', primary: true }],
      userType: 'Employee',
      title: 'Staff Engineer',
      locale: 'en-US',
      timezone: 'America/Los_Angeles',
      [ENTERPRISE]: {
        employeeNumber: 'E-ann',
        costCenter: 'CC-000',
        organization: 'Example Corp',
        division: 'R&D/Cloud',
        department: 'platform',
        manager: { value: bob.id },
      },
    });
    expect(bob).toMatchObject({ nickName: 'Bobby', [ENTERPRISE]: { costCenter: 'CC-7' } });
    expect((bob[ENTERPRISE] as Record<string, unknown>).manager).toBeUndefined();

    const rerun = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect((JSON.parse(rerun.stdout) as { plan: { operations: unknown[] } }).plan.operations).toEqual([]);
  });

  it('reports a manager outside the scope and sets no manager', async () => {
    const pod = await podFor([person('cat', { login: 'cat@example.com' }, { manager: 'nobody-here' })], {
      user: { userName: 'attributes.login', 'enterprise.manager': 'manager' },
    });
    const sync = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(sync.code).toBe(0);
    const { report } = JSON.parse(sync.stdout) as { report: { findings: Array<Record<string, unknown>> } };
    expect(report.findings).toContainEqual({
      object: 'user',
      externalId: 'hr/cat',
      action: 'warning',
      field: 'enterprise.manager',
      reason:
        'manager "nobody-here" is not a user this run syncs (out of scope or skipped); the manager in AWS is left as it is',
    });
    expect((await awsUser('cat@example.com'))[ENTERPRISE]).toEqual({ department: 'Platform' });
  });

  it('validate-config rejects an unknown function, an unsafe regex and an unknown attribute, naming each path', async () => {
    const pod = await podFor([], {
      user: { title: 'foo(title)', 'enterprise.department': "replace(department, '(a+)+', '')", shoeSize: 'size' },
      group: { displayName: 'upper(' },
    });
    const result = await run(['validate-config', '--config', pod.configPath], podEnv());
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('unknown function "foo"');
    expect(result.stderr).toContain('→ at sources[0].mapping.user.title');
    expect(result.stderr).toMatch(
      /nested quantifier\)?\n\s+→ at sources\[0\]\.mapping\.user\["enterprise\.department"\]/,
    );
    expect(result.stderr).toMatch(/Unrecognized key: "shoeSize"\n\s+→ at sources\[0\]\.mapping\.user/);
    expect(result.stderr).toMatch(/found end of expression\n\s+→ at sources\[0\]\.mapping\.group\.displayName/);
  });
});
