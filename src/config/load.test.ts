import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { applyEnvOverrides, loadConfig, parseConfig } from './load.js';
import { assertSafeEnvironment } from './environment.js';
import { findSecretRefs, resolveSecret } from '../secret/secret.js';

const minimal = {
  sources: [{ type: 'file', id: 'hr', path: 'dir.json' }],
  target: { baseUrl: 'https://scim.us-east-1.amazonaws.com/abc-123/scim/v2', token: { env: 'TOKEN' } },
};

describe('environment', () => {
  it('refuses NODE_TLS_REJECT_UNAUTHORIZED=0', () => {
    expect(() => assertSafeEnvironment({ NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toThrow(ConfigError);
    expect(() => assertSafeEnvironment({})).not.toThrow();
  });
});

describe('configuration', () => {
  it('fills every default from the schema', () => {
    const c = parseConfig(minimal);
    expect(c.sync).toMatchObject({
      rateLimit: { requestsPerSecond: 10, burst: 10 },
      adopt: false,
      deleteGracePeriodDays: 30,
      brake: { percent: 5, minimum: 10 },
    });
    expect(c.state.path).toBe('.icsync-state/state.json');
  });

  it('names the path of every problem', () => {
    const bad = {
      ...minimal,
      sync: { rateLimit: { requestsPerSecond: -1 }, typo: true },
      target: { ...minimal.target, baseUrl: 'https://evil.example.com/scim/v2' },
    };
    let message = '';
    try {
      parseConfig(bad);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('sync.rateLimit.requestsPerSecond');
    expect(message).toContain('target.baseUrl');
    expect(message).toMatch(/typo/);
  });

  it('takes a per-source takeover rule, and names the path of an unknown match or key', () => {
    const source = (takeover: unknown) => ({ ...minimal, sources: [{ ...minimal.sources[0], takeover }] });
    expect(parseConfig(source({ match: 'externalId+name' })).sources[0]?.takeover).toEqual({
      match: 'externalId+name',
    });
    expect(parseConfig(minimal).sources[0]?.takeover).toBeUndefined();
    expect(() => parseConfig(source({ match: 'userName' }))).toThrow('sources[0].takeover.match');
    expect(() => parseConfig(source({ match: 'externalId', force: true }))).toThrow(/force/);
  });

  it('refuses a secret written inline', () => {
    expect(() => parseConfig({ ...minimal, target: { ...minimal.target, token: 'hunter2' } })).toThrow(/target\.token/);
  });

  it('accepts a loopback emulator only when allowed', () => {
    const local = { ...minimal, target: { ...minimal.target, baseUrl: 'http://127.0.0.1:8080/t/scim/v2' } };
    expect(() => parseConfig(local)).toThrow(/baseUrl/);
    expect(
      parseConfig({ ...local, target: { ...local.target, allowLocalEmulator: true } }).target.allowLocalEmulator,
    ).toBe(true);
  });

  it('applies environment overrides, reading "false" as false', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icsync-config-'));
    const path = join(dir, 'c.yaml');
    await writeFile(
      path,
      `sources:\n  - { type: file, id: hr, path: dir.json }\ntarget:\n  baseUrl: ${minimal.target.baseUrl}\n  token: { env: TOKEN }\nsync:\n  adopt: true\n`,
    );
    const c = await loadConfig(path, {
      ICSYNC__SYNC__ADOPT: 'false',
      ICSYNC__SYNC__RATE_LIMIT__REQUESTS_PER_SECOND: '2.5',
    });
    expect(c.sync.adopt).toBe(false);
    expect(c.sync.rateLimit.requestsPerSecond).toBe(2.5);
    expect(() => applyEnvOverrides({}, { ICSYNC____PROTO__: 'x' })).toThrow(ConfigError);
  });

  it('finds every secret reference in a config subtree', () => {
    const refs = findSecretRefs([
      { type: 'ldap', bindPassword: { env: 'A' } },
      { credential: { clientSecret: { file: '/s' } }, path: 'x.json' },
    ]);
    expect(refs).toEqual([{ env: 'A' }, { file: '/s' }]);
  });

  it('resolves secrets from env or file, with a clear error when absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icsync-secret-'));
    await writeFile(join(dir, 'token'), 'from-file\n');
    expect(await resolveSecret({ file: join(dir, 'token') })).toBe('from-file');
    expect(await resolveSecret({ env: 'X' }, { X: 'from-env' })).toBe('from-env');
    await expect(resolveSecret({ env: 'MISSING' }, {})).rejects.toThrow(/MISSING is not set/);
  });

  it('accepts the documented examples', async () => {
    const root = join(import.meta.dirname, '../../config');
    for (const file of ['example.yaml', 'emulator.yaml']) {
      await expect(loadConfig(join(root, file), {})).resolves.toBeDefined();
    }
  });
});
