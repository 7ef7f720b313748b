import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { clientFor, filterQuery, isAwsErrorBody, patchOp, userBody } from './test-support.js';

let emulator: RunningEmulator;
afterEach(async () => {
  vi.useRealTimers();
  await emulator.close();
});

describe('emulator defaults follow behaviour captured from the real endpoint', () => {
  it('refuses an externalId with ":" like any attribute (https://github.com/suvera/keycloak-scim2-storage/issues/3)', async () => {
    emulator = await startEmulator();
    const call = clientFor(emulator);
    const user = await call('POST', '/Users', userBody(1, { externalId: 'f:4b33e370:benoit' }));
    expect(user.status).toBe(400);
    expect(user.body.detail).toBe('Request is unparsable, syntactically incorrect, or violates schema.');
    expect((await call('POST', '/Users', userBody(1, { externalId: 'f4b33e370benoit' }))).status).toBe(201);
    expect((await call('POST', '/Groups', { displayName: 'G', externalId: 'src:g' })).status).toBe(400);
  });

  it('refuses a path-less group PATCH that sets two attributes, accepts the same change as one path per attribute', async () => {
    emulator = await startEmulator();
    const call = clientFor(emulator);
    const group = (await call('POST', '/Groups', { displayName: 'Ops' })).body;
    const pathless = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', value: { id: group.id, externalId: 'src/g', displayName: 'Ops 2' } }),
    );
    expect(pathless.status).toBe(400);
    expect(pathless.body.detail).toMatch(/^Current PATCH support allows omitting "path" attribute only/);
    expect(emulator.groups()[0]).toMatchObject({ displayName: 'Ops' });
    const rename = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', value: { id: group.id, displayName: 'Ops 2' } }),
    );
    expect(rename.status).toBe(204);
    const split = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp(
        { op: 'replace', path: 'externalId', value: 'src/g' },
        { op: 'replace', path: 'displayName', value: 'Ops 3' },
      ),
    );
    expect(split.status).toBe(204);
    expect(emulator.groups()[0]).toMatchObject({ displayName: 'Ops 3', externalId: 'src/g' });
  });

  it('accepts any path-less PATCH when pathlessPatch is "any"', async () => {
    emulator = await startEmulator({ pathlessPatch: 'any' });
    const call = clientFor(emulator);
    const group = (await call('POST', '/Groups', { displayName: 'Ops' })).body;
    expect(
      (
        await call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOp({ op: 'replace', value: { externalId: 'src/g', displayName: 'Ops 2' } }),
        )
      ).status,
    ).toBe(204);
  });

  it('answers a wrong tenant with 401 when unknownTenant is "unauthorized"', async () => {
    emulator = await startEmulator({ unknownTenant: 'unauthorized' });
    const url = emulator.baseUrl.replace(/\/[^/]+\/scim\/v2$/, '/other-tenant/scim/v2/Users');
    expect((await fetch(url, { headers: { authorization: `Bearer ${emulator.token}` } })).status).toBe(401);
  });

  it('assigns bare UUID ids by default and the older prefixed form as a switch', async () => {
    emulator = await startEmulator();
    expect((await clientFor(emulator)('POST', '/Groups', { displayName: 'A' })).body.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    await emulator.close();
    emulator = await startEmulator({ resourceIds: 'prefixed' });
    expect((await clientFor(emulator)('POST', '/Groups', { displayName: 'A' })).body.id).toMatch(
      /^[0-9a-f]{10}-[0-9a-f]{8}-/,
    );
  });

  it('returns users created outside SCIM with "emails": []', async () => {
    emulator = await startEmulator();
    const seeded = emulator.seedUser({
      userName: 'ct-admin',
      displayName: 'CT',
      name: { givenName: 'C', familyName: 'T' },
    });
    expect((await clientFor(emulator)('GET', `/Users/${seeded.id}`)).body.emails).toEqual([]);
  });

  it('with consistencyLagMs, answers 404 on a fresh object and hides it from filters until the lag has passed', async () => {
    emulator = await startEmulator({ consistencyLagMs: 300 });
    // The lag is measured on the emulator's clock (Date), so a slow machine cannot age the objects early.
    vi.useFakeTimers({ toFake: ['Date'] });
    const call = clientFor(emulator);
    const group = (await call('POST', '/Groups', { displayName: 'Fresh', externalId: 'src/fresh' })).body;
    const user = (await call('POST', '/Users', userBody(1))).body;
    const early = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }),
    );
    expect(early.status).toBe(404);
    expect((await call('GET', `/Groups?${filterQuery('externalId eq "src/fresh"')}`)).body.totalResults).toBe(0);
    expect((await call('GET', '/Groups')).body.totalResults).toBe(1);
    vi.setSystemTime(Date.now() + 350);
    expect(
      (await call('PATCH', `/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] })))
        .status,
    ).toBe(204);
    expect(emulator.membersOf(group.id)).toEqual([user.id]);
  });

  it('commit-then-status applies the write and still answers 400 (https://github.com/lichti/aws-iam-scim-problem)', async () => {
    emulator = await startEmulator();
    const call = clientFor(emulator);
    const group = (await call('POST', '/Groups', { displayName: 'G' })).body;
    const user = (await call('POST', '/Users', userBody(1))).body;
    emulator.injectFault({ method: 'PATCH', path: `/Groups/${group.id}`, times: 1, kind: 'commit-then-status' });
    const reply = await call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }),
    );
    expect(reply.status).toBe(400);
    expect(isAwsErrorBody(reply.body, 400)).toBe(true);
    expect(emulator.membersOf(group.id)).toEqual([user.id]);
  });

  it('keeps request bodies in the log only when asked to', async () => {
    emulator = await startEmulator({ logBodies: true });
    await clientFor(emulator)('POST', '/Groups', { displayName: 'G' });
    expect(emulator.requestLog[0]?.body).toEqual({ displayName: 'G' });
  });
});
