/**
 * `--help`, `--version` and `validate-config` must start without the source SDKs, BullMQ or Redis:
 * a command loads only what it needs. Checked in a fresh process, through Node's CommonJS module
 * cache (every one of those packages is loaded through it, also when imported from ESM).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HEAVY = /okta-sdk-nodejs|microsoft-graph-client|@azure[\\/]identity|ldapts|bullmq|ioredis/;

function packagesLoadedBy(args: string[]): { code: number; heavy: string[] } {
  const probe = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/index.ts')).href)});
    const code = await main(${JSON.stringify(args)}, process.env, { stdout: () => {}, stderr: () => {} });
    const heavy = Object.keys(createRequire(import.meta.url).cache).filter((k) => ${HEAVY}.test(k));
    console.log(JSON.stringify({ code, heavy }));
  `;
  const ran = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, START_TEST_SECRET: 'start-test-secret-0123456789' },
  });
  return JSON.parse(ran.stdout.trim().split('\n').pop() ?? '{}') as { code: number; heavy: string[] };
}

describe('CLI start', () => {
  it.each([[['--help']], [['--version']]])('%j loads no source SDK, BullMQ or Redis client', (args) => {
    expect(packagesLoadedBy(args)).toEqual({ code: 0, heavy: [] });
  });

  it('validate-config of a config with Entra, Okta and LDAP sources loads none of their SDKs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icsync-start-'));
    const config = join(dir, 'icsync.yaml');
    const secret = '{ env: START_TEST_SECRET }';
    writeFileSync(
      config,
      [
        'sources:',
        `  - { type: entra, id: e, tenantId: 11111111-2222-4333-8444-555555555555, clientId: 11111111-2222-4333-8444-555555555555, credential: { clientSecret: ${secret} } }`,
        `  - { type: okta, id: o, orgUrl: "https://acme.okta.com", auth: { apiToken: ${secret} }, scope: { type: groups, ids: ["00g1"] } }`,
        `  - { type: ldap, id: l, url: "ldaps://dc.example.com", bindDn: "cn=s", bindPassword: ${secret}, users: { baseDn: "dc=x" }, groups: { baseDn: "dc=x" } }`,
        'target:',
        '  baseUrl: https://scim.us-east-1.amazonaws.com/11111111-2222-4333-8444-555555555555/scim/v2',
        `  token: ${secret}`,
        '',
      ].join('\n'),
    );
    expect(packagesLoadedBy(['validate-config', '--config', config])).toEqual({ code: 0, heavy: [] });
  });
});
