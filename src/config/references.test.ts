import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { checkFileReferences, fileReferences, secretReferences } from './references.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icsync-references-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (state: string) =>
  parseConfig({
    sources: [
      { type: 'file', id: 'hr', path: join(dir, 'directory.yaml') },
      {
        type: 'ldap',
        id: 'corp',
        url: 'ldaps://dc.example.com',
        caFile: join(dir, 'ca.pem'),
        bindDn: 'cn=reader',
        bindPassword: { file: join(dir, 'ldap-password') },
        users: { baseDn: 'dc=example' },
        groups: { baseDn: 'dc=example' },
      },
    ],
    target: { baseUrl: 'https://scim.us-east-1.amazonaws.com/t-1/scim/v2', token: { env: 'SCIM_TOKEN' } },
    state: { path: state },
  });

describe('config references', () => {
  it('names every secret and file by its place in the config', () => {
    const c = config(join(dir, 'state/state.json'));
    expect(secretReferences(c).map((s) => s.configPath)).toEqual(['sources[1].bindPassword', 'target.token']);
    expect(fileReferences(c).map((f) => [f.configPath, f.use])).toEqual([
      ['sources[1].caFile', 'read'],
      ['sources[0].path', 'read'],
      ['state.path', 'write-directory'],
    ]);
  });

  it('accepts a state directory that does not exist yet under a writable one, and refuses missing files', async () => {
    await writeFile(join(dir, 'ca.pem'), 'pem');
    const problems = await checkFileReferences(fileReferences(config(join(dir, 'new/deeper/state.json'))));
    expect(problems.map((p) => [p.configPath, p.reason])).toEqual([
      ['sources[0].path', `${join(dir, 'directory.yaml')} does not exist (ENOENT)`],
    ]);
  });

  it('refuses a state path under a file, naming the file', async () => {
    await writeFile(join(dir, 'plain'), '');
    const problems = await checkFileReferences(fileReferences(config(join(dir, 'plain/state/state.json'))));
    expect(problems.find((p) => p.configPath === 'state.path')?.reason).toBe(
      `${join(dir, 'plain')} is not a directory`,
    );
  });
});
