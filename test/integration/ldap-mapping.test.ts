/**
 * Attribute mapping against a real OpenLDAP slapd, synced into the AWS SCIM emulator through the CLI's
 * composition root: mapped attributes are requested from the server and land in AWS, and a `manager` DN
 * becomes the manager's AWS user id, set by a second pass because both users are created in the same run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { SCHEMA_ENTERPRISE_USER } from '../../src/model/aws.js';
import { runSync } from '../../src/sync/run.js';
import { GROUPS, PEOPLE } from '../helpers/ldapIntegration.js';
import { startSlapd, type Slapd } from '../helpers/slapd.js';

let slapd: Slapd;
let emulator: RunningEmulator;
let dir: string;

const person = (uid: string, extra: string[]) =>
  [`dn: uid=${uid},${PEOPLE}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, ...extra].join(
    '\n',
  );

beforeAll(async () => {
  slapd = await startSlapd({ fixtures: ['seed.ldif'] });
  await slapd.ldapadd(
    [
      person('boss', ['departmentNumber: platform', 'employeeType: CC-7']),
      person('worker', ['departmentNumber: platform', `manager: UID=Boss,${PEOPLE.toUpperCase()}`]),
      person('stray', ['manager: cn=someone,ou=elsewhere,dc=example,dc=test']),
    ].join('\n\n') + '\n',
  );
  emulator = await startEmulator({ tokens: ['ldap-mapping-token'] });
  dir = await mkdtemp(join(tmpdir(), 'icsync-ldap-mapping-'));
});

afterAll(async () => {
  await emulator?.close();
  await slapd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sync() {
  const path = join(dir, 'icsync.yaml');
  await writeFile(
    path,
    [
      'sources:',
      '  - type: ldap',
      '    id: corp-ldap',
      `    url: ${slapd.url}`,
      '    allowInsecure: true',
      `    bindDn: ${JSON.stringify(slapd.bindDn)}`,
      '    bindPassword: { env: LDAP_PASSWORD }',
      `    users: { baseDn: ${JSON.stringify(PEOPLE)} }`,
      `    groups: { baseDn: ${JSON.stringify(GROUPS)} }`,
      '    mapping:',
      '      user:',
      '        enterprise.department: "upper(departmentNumber)"',
      `        enterprise.costCenter: "coalesce(employeeType, 'CC-0')"`,
      '        enterprise.manager: manager',
      'target:',
      `  baseUrl: ${emulator.baseUrl}`,
      '  token: { env: SCIM_TOKEN }',
      '  allowLocalEmulator: true',
      'sync:',
      '  rateLimit: { requestsPerSecond: 500, burst: 50 }',
      'state:',
      `  path: ${JSON.stringify(join(dir, 'state.json'))}`,
    ].join('\n'),
  );
  const env = { LDAP_PASSWORD: slapd.bindPassword, SCIM_TOKEN: 'ldap-mapping-token' };
  const deps = await compose(await loadConfig(path, env), env, silentLogger());
  try {
    return await runSync(deps, { mode: 'sync' });
  } finally {
    await deps.close();
  }
}

describe('LDAP attribute mapping → IAM Identity Center', () => {
  it('lands mapped attributes, resolves the manager DN to an AWS id in a second pass, reports a stray manager', async () => {
    const first = await sync();
    expect(first.report.status).toBe('success');
    expect(first.plan?.counts.setManager).toBe(1);
    const byName = new Map(emulator.users().map((u) => [u.userName, u]));
    const boss = byName.get('boss');
    expect(boss?.[SCHEMA_ENTERPRISE_USER]).toEqual({ department: 'PLATFORM', costCenter: 'CC-7' });
    expect(byName.get('worker')?.[SCHEMA_ENTERPRISE_USER]).toEqual({
      department: 'PLATFORM',
      costCenter: 'CC-0',
      manager: { value: boss?.id },
    });
    expect(first.report.findings).toContainEqual(
      expect.objectContaining({
        field: 'enterprise.manager',
        action: 'warning',
        reason: expect.stringContaining('ou=elsewhere'),
      }),
    );
    const rerun = await sync();
    expect(rerun.plan?.operations).toEqual([]);
  });
});
