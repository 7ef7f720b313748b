/**
 * The Okta source's transport through the real `@okta/okta-sdk-nodejs` against a fake Okta over https:
 * Link-header paging, 429 handling, private_key_jwt and SSWS auth, reads cut short, and credentials that
 * must never reach a log line, an error or another host.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import { generateServiceAppKey } from '../helpers/oktaFakeAuth.js';
import { dropConnection, OktaFake, rateLimited, serverError } from '../helpers/oktaFake.js';
import {
  API_TOKEN,
  captureLog,
  KEY_ENV,
  oktaConfig,
  oktaGroup,
  oktaUser,
  seed,
  startOktaSource,
} from '../helpers/oktaWorld.js';

const signal = (): AbortSignal => new AbortController().signal;
const appUsersPath = (fake: OktaFake): string => `/api/v1/apps/${fake.app.id}/users`;
const key = generateServiceAppKey('pkcs8');
const CLIENT_ID = '0oaServiceApp';
const ALL_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read'];

let fake: OktaFake;

beforeEach(async () => {
  fake = await OktaFake.start({
    apiToken: API_TOKEN,
    serviceApp: { clientId: CLIENT_ID, publicKey: key.publicKey, keyId: 'kid-1', grantedScopes: ALL_SCOPES },
  });
  const users = Array.from({ length: 7 }, (_, i) => oktaUser(`00u${i}`));
  seed(fake, {
    users,
    groups: [oktaGroup('00gEng', 'eng', ['00u4', '00u5', '00u6'])],
    appUsers: ['00u0', '00u1', '00u2', '00u3'],
    appGroups: ['00gEng'],
  });
});

afterEach(async () => {
  await fake.close();
});

async function readError(promise: Promise<unknown>): Promise<SourceReadError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceReadError);
  return err as SourceReadError;
}

describe('Okta source transport', () => {
  it('follows Link: rel="next" to the last page of every list', async () => {
    const source = startOktaSource(oktaConfig(fake, { pageSize: 2 }));
    const snapshot = await source.readSnapshot(signal());
    expect(snapshot.users.map((u) => u.externalId).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `corp-okta/00u${i}`),
    );
    const appPages = fake.apiRequests().filter((r) => r.path === appUsersPath(fake));
    expect(appPages).toHaveLength(4);
    expect(appPages.every((r) => r.query.get('limit') === '2' && r.query.get('expand') === 'user')).toBe(true);
    expect(appPages.slice(1).every((r) => r.query.has('after'))).toBe(true);
    expect(fake.apiRequests().filter((r) => r.path === '/api/v1/groups/00gEng/users')).toHaveLength(2);
  });

  it('takes an empty page that still has a next link for what it is, not for the end', async () => {
    fake.fault(
      (r) => r.path === appUsersPath(fake),
      (res) => {
        res.setHeader('Link', `<${fake.baseUrl}${appUsersPath(fake)}?limit=200&expand=user>; rel="next"`);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      },
    );
    const snapshot = await startOktaSource(oktaConfig(fake)).readSnapshot(signal());
    expect(snapshot.users).toHaveLength(7);
    expect(fake.requests.filter((r) => r.path === appUsersPath(fake))).toHaveLength(2);
  });

  it('on 429 waits X-Rate-Limit-Reset − Date + 1 s by the server clock, then retries', async () => {
    const log = captureLog();
    // Okta's clock runs an hour ahead of ours: by our clock the reset would be an hour away, beyond maxWaitSeconds.
    const serverDate = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    fake.fault((r) => r.path === appUsersPath(fake), rateLimited(serverDate, serverDate.getTime() / 1000));
    const source = startOktaSource(oktaConfig(fake), { logger: log.logger });
    const snapshot = await source.readSnapshot(signal());
    expect(snapshot.users).toHaveLength(7);
    expect(log.lines().find((l) => l.status === 429)).toMatchObject({
      waitMs: 1000,
      attempt: 1,
      path: appUsersPath(fake),
    });
    const [limited, retried] = fake.requests.filter((r) => r.path === appUsersPath(fake));
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('fails the read on a 429 it may not retry: maxRetries 0, or a wait beyond maxWaitSeconds', async () => {
    const now = new Date();
    fake.fault((r) => r.path === appUsersPath(fake), rateLimited(now, Math.floor(now.getTime() / 1000) + 3600));
    const patient = startOktaSource(oktaConfig(fake, { rateLimit: { maxWaitSeconds: 60 } }));
    expect((await readError(patient.readSnapshot(signal()))).message).toMatch(
      /HTTP 429 E0000047.*rateLimit\.maxRetries/,
    );
    fake.fault((r) => r.path === appUsersPath(fake), rateLimited(now, Math.floor(now.getTime() / 1000)));
    const never = startOktaSource(oktaConfig(fake, { rateLimit: { maxRetries: 0 } }));
    await readError(never.readSnapshot(signal()));
    expect(fake.requests.filter((r) => r.path === appUsersPath(fake))).toHaveLength(2);
  });

  it('authenticates with private_key_jwt: a verified client assertion, then the bearer token on every call', async () => {
    const auth = { privateKeyJwt: { clientId: CLIENT_ID, keyId: 'kid-1', privateKey: { env: KEY_ENV } } };
    const source = startOktaSource(oktaConfig(fake, { auth }), { secrets: { [KEY_ENV]: key.privateKeyPem } });
    expect((await source.readSnapshot(signal())).users).toHaveLength(7);
    expect(fake.authorization.tokenRequests).toBe(1);
    expect(fake.apiRequests().length).toBeGreaterThan(1);
    expect(fake.apiRequests().every((r) => r.auth === 'Bearer')).toBe(true);

    const stranger = generateServiceAppKey('pkcs1');
    const impostor = startOktaSource(oktaConfig(fake, { auth }), { secrets: { [KEY_ENV]: stranger.privateKeyPem } });
    const rejected = await readError(impostor.readSnapshot(signal()));
    expect(rejected.message).toMatch(
      /token request failed with HTTP 401 \(invalid_client: client_assertion signature does not verify.*\) — check clientId/,
    );
  });

  it('follows Okta into DPoP when the service app requires it (use_dpop_nonce, then DPoP-bound tokens)', async () => {
    const dpop = await OktaFake.start({
      serviceApp: { clientId: CLIENT_ID, publicKey: key.publicKey, grantedScopes: ALL_SCOPES, requireDpop: true },
    });
    seed(dpop, { users: [oktaUser('00u1')], appUsers: ['00u1'] });
    try {
      const auth = { privateKeyJwt: { clientId: CLIENT_ID, privateKey: { env: KEY_ENV } } };
      const source = startOktaSource(oktaConfig(dpop, { auth }), { secrets: { [KEY_ENV]: key.privateKeyPem } });
      expect((await source.readSnapshot(signal())).users).toHaveLength(1);
      expect(dpop.authorization.tokenRequests).toBe(2);
      expect(dpop.apiRequests().map((r) => r.auth)).toEqual(['DPoP', 'DPoP']);
    } finally {
      await dpop.close();
    }
  });

  it('requests okta.apps.read only for the appAssignments scope', async () => {
    const narrow = await OktaFake.start({
      serviceApp: {
        clientId: CLIENT_ID,
        publicKey: key.publicKey,
        grantedScopes: ['okta.users.read', 'okta.groups.read'],
      },
    });
    seed(narrow, { users: [oktaUser('00u1')], groups: [oktaGroup('00gA', 'a', ['00u1'])] });
    const auth = { privateKeyJwt: { clientId: CLIENT_ID, privateKey: { env: KEY_ENV } } };
    const secrets = { [KEY_ENV]: key.privateKeyPem };
    try {
      const groups = startOktaSource(oktaConfig(narrow, { auth, scope: { type: 'groups', ids: ['00gA'] } }), {
        secrets,
      });
      expect((await groups.readSnapshot(signal())).users).toHaveLength(1);
      const app = startOktaSource(oktaConfig(narrow, { auth }), { secrets });
      expect((await readError(app.readSnapshot(signal()))).message).toMatch(
        /token request failed with HTTP 400 \(invalid_scope: not granted: okta\.apps\.read\)/,
      );
    } finally {
      await narrow.close();
    }
  });

  it('authenticates with an SSWS token, and fails the read when Okta rejects it', async () => {
    await startOktaSource(oktaConfig(fake)).readSnapshot(signal());
    expect(fake.apiRequests().every((r) => r.auth === 'SSWS')).toBe(true);
    const wrong = startOktaSource(oktaConfig(fake), { secrets: { OKTA_TEST_API_TOKEN: 'ssws-wrong-token-value' } });
    expect((await readError(wrong.readSnapshot(signal()))).message).toMatch(/HTTP 401 E0000011.*token was rejected/);
  });

  it('returns nothing when a page fails, the connection drops, or a page is not JSON', async () => {
    const laterPage = (path: string) => (r: { path: string; query: URLSearchParams }) =>
      r.path === path && r.query.has('after');
    fake.fault(laterPage('/api/v1/groups/00gEng/users'), serverError);
    const source = startOktaSource(oktaConfig(fake, { pageSize: 2 }));
    expect((await readError(source.readSnapshot(signal()))).message).toMatch(
      /HTTP 500 E0000009.*\/api\/v1\/groups\/00gEng\/users/,
    );

    fake.fault(laterPage(appUsersPath(fake)), dropConnection);
    expect((await readError(source.readSnapshot(signal()))).message).toMatch(/socket hang up|ECONNRESET/);

    fake.fault(laterPage(appUsersPath(fake)), (res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>sign in</html>'),
    );
    expect((await readError(source.readSnapshot(signal()))).message).toMatch(/"text\/html" instead of JSON/);
  });

  it('never sends credentials to another host, even when a Link header points there', async () => {
    fake.fault(
      (r) => r.path === appUsersPath(fake),
      (res) => {
        res.setHeader('Link', '<https://attacker.example/api/v1/apps/x/users?after=1>; rel="next"');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      },
    );
    const err = await readError(startOktaSource(oktaConfig(fake)).readSnapshot(signal()));
    expect(err.message).toMatch(/refusing a request to https:\/\/attacker\.example/);
  });

  it('ignores a stray okta.yaml-style environment: OKTA_CLIENT_* and HTTPS_PROXY', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      OKTA_CLIENT_ORGURL: 'https://evil.okta.com',
      OKTA_CLIENT_TOKEN: 'leaked-token',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      HTTPS_PROXY: 'http://127.0.0.1:9',
    });
    try {
      expect((await startOktaSource(oktaConfig(fake)).readSnapshot(signal())).users).toHaveLength(7);
      expect(fake.apiRequests().every((r) => r.auth === 'SSWS')).toBe(true);
    } finally {
      for (const name of ['OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_CLIENT_AUTHORIZATIONMODE', 'HTTPS_PROXY'])
        delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  it('aborts a request in flight when the read is aborted', async () => {
    fake.fault(
      (r) => r.path === appUsersPath(fake),
      () => undefined,
    );
    const controller = new AbortController();
    const reading = startOktaSource(oktaConfig(fake)).readSnapshot(controller.signal);
    const failed = readError(reading);
    // The fake never answers this request, so only the abort can end the read.
    await vi.waitFor(() => expect(fake.apiRequests().map((r) => r.path)).toContain(appUsersPath(fake)), {
      timeout: 10_000,
    });
    controller.abort();
    expect((await failed).message).toMatch(/read failed \(aborted\)/);
  });

  it('keeps the API token and the private key out of every log line and error', async () => {
    const log = captureLog();
    const pemBody = key.privateKeyPem.split('\n')[5]!;
    const auth = { privateKeyJwt: { clientId: CLIENT_ID, keyId: 'kid-1', privateKey: { env: KEY_ENV } } };
    const errors: unknown[] = [];
    const keep = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));
    const sources = [
      startOktaSource(oktaConfig(fake), { logger: log.logger }),
      startOktaSource(oktaConfig(fake, { auth }), { logger: log.logger, secrets: { [KEY_ENV]: key.privateKeyPem } }),
    ];
    for (const source of sources) await source.readSnapshot(signal());
    fake.fault(() => true, serverError, 2);
    for (const source of sources) await keep(source.readSnapshot(signal()));
    fake.fault((r) => r.path === appUsersPath(fake), rateLimited(new Date(), Math.floor(Date.now() / 1000)), 1);
    await keep(
      startOktaSource(oktaConfig(fake, { rateLimit: { maxRetries: 0 } }), { logger: log.logger }).readSnapshot(
        signal(),
      ),
    );
    await keep(
      startOktaSource(oktaConfig(fake), {
        logger: log.logger,
        secrets: { OKTA_TEST_API_TOKEN: `${API_TOKEN}x` },
      }).readSnapshot(signal()),
    );
    expect(errors).toHaveLength(4);
    const everything = [
      log.text(),
      ...errors.map((e) => inspect(e, { depth: 10, showHidden: true })),
      JSON.stringify(errors),
    ].join('\n');
    expect(everything).not.toContain(API_TOKEN);
    expect(everything).not.toContain(pemBody);
    expect(everything).not.toMatch(/fake-at-[0-9a-f]{32}/);
  });
});

describe('Okta connection check (validate-config --online)', () => {
  it('authenticates and reads at most one user, and fails with the rejection when the token is wrong', async () => {
    expect(await startOktaSource(oktaConfig(fake)).probe(signal())).toContain('GET /api/v1/users answered');
    expect(fake.apiRequests().map((r) => [r.path, r.query.get('limit'), r.auth])).toEqual([
      ['/api/v1/users', '1', 'SSWS'],
    ]);
    const wrong = startOktaSource(oktaConfig(fake), { secrets: { OKTA_TEST_API_TOKEN: 'ssws-wrong-token-value' } });
    const err = await readError(wrong.probe(signal()));
    expect(err.message).toMatch(/connection check failed: .*HTTP 401 E0000011/);
    expect(inspect(err, { depth: 10 })).not.toContain('ssws-wrong-token-value');
  });
});
