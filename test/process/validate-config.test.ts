/**
 * `icsync validate-config [--online]` as the chart's `helm test` pod runs it: the built CLI as a
 * child process, secrets as mounted files, an LDAP source on a real slapd over ldaps:// with a CA
 * file, a file source, and `icsync emulator` as AWS. Checked from outside: exit code, one line per
 * check, and no secret value anywhere in the output.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../helpers/slapd.js';
import { makePod, podEnv, run, start, waitFor, writeConfig, type IcsyncProcess, type Pod } from './cli-process.js';
import { writeDirectory } from './directory.js';

const TOKEN = 'canary-validate-scim-token-91c2e7';
const PEOPLE = 'ou=people,dc=example,dc=test';
const GROUPS = 'ou=groups,dc=example,dc=test';

let emulator: IcsyncProcess;
let baseUrl: string;
let slapd: Slapd;

beforeAll(async () => {
  emulator = start(['emulator', '--port', '0'], podEnv({ ICSYNC_EMULATOR_TOKEN: TOKEN }));
  slapd = await startSlapd({ fixtures: ['seed.ldif'] });
  baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator.stdout)?.[1]);
});

afterAll(async () => {
  emulator?.kill();
  await slapd?.stop();
});

/** A pod whose config names a file source and an ldaps:// source with its CA file. */
async function podWith(secrets: { scim: string; ldap: string }, files: { caFile?: string; directory?: string } = {}) {
  const pod = await makePod({ 'scim-token': secrets.scim, 'ldap-password': secrets.ldap });
  await writeConfig(pod, {
    sources: [
      { type: 'file', id: 'hr-export', path: files.directory ?? (await writeDirectory(pod.dir, 3)) },
      {
        type: 'ldap',
        id: 'corp',
        url: slapd.ldapsUrl,
        caFile: files.caFile ?? slapd.caFile,
        bindDn: slapd.bindDn,
        bindPassword: pod.secret('ldap-password'),
        users: { baseDn: PEOPLE },
        groups: { baseDn: GROUPS },
      },
    ],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    state: { kind: 'file', path: join(pod.stateDir, 'state.json') },
  });
  return pod;
}

function validate(pod: Pod, ...flags: string[]) {
  return run(['validate-config', '--config', pod.configPath, ...flags], podEnv());
}

function expectNoSecret(output: { stdout: string; stderr: string }, ...secrets: string[]): void {
  for (const secret of secrets) expect(output.stdout + output.stderr).not.toContain(secret);
}

describe('validate-config', () => {
  it('checks every file the config names, exits 6 naming each missing one by its config path, and then skips the online checks', async () => {
    const pod = await podWith(
      { scim: TOKEN, ldap: slapd.bindPassword },
      { caFile: '/nonexistent/ca.pem', directory: '/nonexistent/directory.json' },
    );
    const result = await validate(pod, '--online');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('failed  sources[0].path: /nonexistent/directory.json does not exist (ENOENT)');
    expect(result.stderr).toContain('failed  sources[1].caFile: /nonexistent/ca.pem does not exist (ENOENT)');
    expect(result.stdout).toContain('ok      sources[1].bindPassword: secret from file');
    expect(result.stdout).toContain('ok      state.path:');
    expect(result.stderr).toContain('online checks skipped');
  });

  it('--online signs in to LDAP and AWS, reads a little from each, and prints one ok line per check', async () => {
    const pod = await podWith({ scim: TOKEN, ldap: slapd.bindPassword });
    const result = await validate(pod, '--online');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok      source file:hr-export: ');
    expect(result.stdout).toMatch(/ok {6}source ldap:corp: bound to 127\.0\.0\.1:\d+ as "cn=reader/);
    expect(result.stdout).toContain('ok      target: ');
    expect(result.stderr).toBe('');
    expectNoSecret(result, TOKEN, slapd.bindPassword);
  });

  it('--online with a token AWS rejects fails the target check with exit 5 and prints no token', async () => {
    const wrong = 'canary-wrong-scim-token-5d0a3f';
    const result = await validate(await podWith({ scim: wrong, ldap: slapd.bindPassword }), '--online');
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('ok      source ldap:corp');
    expect(result.stderr).toMatch(/failed {2}target: .*401.*; check target\.token/);
    expectNoSecret(result, wrong, TOKEN, slapd.bindPassword);
  });

  it('--online with a wrong bind password fails the source check with exit 7 and still checks AWS', async () => {
    const wrong = 'canary-wrong-ldap-password-77e1';
    const result = await validate(await podWith({ scim: TOKEN, ldap: wrong }), '--online');
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(
      /failed {2}source ldap:corp: .*bind as "cn=reader.*; check url, startTls\/caFile, bindDn/,
    );
    expect(result.stdout).toContain('ok      target: ');
    expectNoSecret(result, wrong, TOKEN);
  });
});
