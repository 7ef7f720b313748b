import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { hasForbiddenCharacter } from '../../src/model/aws-characters.js';
import { ScimClient } from '../../src/scim/client.js';
import { createFileSource } from '../../src/sources/file/index.js';
import { runSync } from '../../src/sync/run.js';
import { ext, group, snapshot, SOURCE_ID, user } from '../helpers/builders.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SAMPLE = join(
  resolve(fileURLToPath(new URL('.', import.meta.url)), '../..'),
  'examples',
  'sample-directory.json',
);

let h: Harness<any> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every attribute value of a request body; `schemas` and a PatchOp's `op`/`path` are protocol, not attributes. */
function attributeValues(body: unknown, out: string[] = []): string[] {
  if (typeof body === 'string') out.push(body);
  else if (Array.isArray(body)) body.forEach((item) => attributeValues(item, out));
  else if (body !== null && typeof body === 'object') {
    const isOperation = 'op' in body;
    for (const [key, value] of Object.entries(body)) {
      if (key === 'schemas' || (isOperation && (key === 'op' || key === 'path'))) continue;
      attributeValues(value, out);
    }
  }
  return out;
}

describe('the real endpoint as captured in public reports', () => {
  it('syncs examples/sample-directory.json into the strict emulator, and no attribute sent holds < > ; : % or a control character', async () => {
    const source = createFileSource({ type: 'file', id: 'demo-hr', path: SAMPLE } as never, { logger: silentLogger() });
    h = await startHarness(source, { emulator: { logBodies: true } });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'success', exitCode: 0 });
    expect(h.emulator.users().length).toBeGreaterThan(100);
    const sent = h.emulator.requestLog.filter((e) => e.body !== undefined);
    expect(sent.length).toBeGreaterThan(100);
    const bad = sent.flatMap((e) =>
      attributeValues(e.body)
        .filter(hasForbiddenCharacter)
        .map((v) => `${e.method} ${e.path}: ${v}`),
    );
    expect(bad).toEqual([]);
    expect(h.emulator.requestLog.every((e) => e.status < 400)).toBe(true);
  });

  it('moves objects an earlier version created as <sourceId>:<id> to the new form by PATCH in place, and names them in the report', async () => {
    h = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]));
    const legacyUser = h.emulator.seedUser({
      externalId: `${SOURCE_ID}:a`,
      userName: 'a@example.com',
      displayName: 'User a',
      name: { givenName: 'Given', familyName: 'a' },
      emails: [{ value: 'a@example.com', type: 'work', primary: true }],
      active: true,
    });
    const legacyGroup = h.emulator.seedGroup({ displayName: 'Group g', externalId: `${SOURCE_ID}:g` }, [
      legacyUser.id!,
    ]);
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(r.plan?.counts.migrateExternalId).toBe(2);
    expect(r.report.applied?.migrated.map((m) => [m.externalId, m.note])).toEqual([
      [ext('a'), `externalId moved from ${SOURCE_ID}:a`],
      [ext('g'), `externalId moved from ${SOURCE_ID}:g`],
    ]);
    expect(h.emulator.users().find((u) => u.id === legacyUser.id)?.externalId).toBe(ext('a'));
    expect(h.emulator.groups().find((g) => g.id === legacyGroup.id)?.externalId).toBe(ext('g'));
    expect(
      h.emulator.writes().some((w) => w.method === 'DELETE' || (w.method === 'POST' && w.path === '/Groups')),
    ).toBe(false);
    expect(h.emulator.membersOf(legacyGroup.id!).sort()).toHaveLength(2);
    expect((await h.run('sync')).plan?.operations).toEqual([]);
  });

  it('adopts a hand-made group with one operation per attribute, which the strict emulator accepts (https://github.com/goauthentik/authentik/issues/12321)', async () => {
    h = await startHarness(snapshot([user('a')], [group('g', ['a'])]), { sync: { adopt: true } });
    const handMade = h.emulator.seedGroup({ displayName: 'Group g' });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'success', exitCode: 0 });
    expect(h.emulator.groups().find((g) => g.id === handMade.id)?.externalId).toBe(ext('g'));
  });

  it('exits 5 with the tenant hint when AWS answers 404 "TENANT does not exist." (https://github.com/slashdevops/idp-scim-sync/issues/42)', async () => {
    h = await startHarness(snapshot([user('a')]));
    const wrongTenant = h.emulator.baseUrl.replace(
      /\/[^/]+\/scim\/v2$/,
      '/11111111111-2222-3333-4444-555555555555/scim/v2',
    );
    const scim = new ScimClient({ baseUrl: wrongTenant, token: 'test-token' });
    try {
      const r = await runSync({ ...h.deps, scim }, { mode: 'sync' });
      expect(r.report).toMatchObject({ status: 'credentials-invalid', exitCode: 5 });
      expect(r.report.message).toMatch(/TENANT does not exist\..*check the tenant id in the SCIM endpoint URL/);
    } finally {
      await scim.close();
    }
  });

  it('converges membership under 3 s of read-after-write lag: member PATCH 404s right after a create are retried (https://github.com/awslabs/ssosync/issues/42)', async () => {
    h = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]), {
      emulator: { consistencyLagMs: 3000 },
    });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'success', exitCode: 0 });
    const g = h.emulator.groups()[0]!;
    expect(h.emulator.membersOf(g.id!)).toHaveLength(2);
    expect(r.report.applied?.notes.map((n) => n.note)).toEqual([expect.stringMatching(/read-after-write lag/)]);
    expect(h.emulator.requestLog.some((e) => e.method === 'PATCH' && e.status === 404)).toBe(true);
  });

  it('tells a group gone from AWS apart from lag by re-reading it', async () => {
    h = await startHarness(snapshot([user('a')], [group('g', [])]));
    await h.run('sync');
    const g = h.emulator.groups()[0]!;
    h.emulator.injectFault({ method: 'PATCH', path: `/Groups/${g.id}`, times: 1, kind: 'status', status: 404 });
    h.source.next = snapshot([user('a')], [group('g', ['a'])]);
    const r = await h.run('sync');
    expect(r.report.exitCode).toBe(4);
    expect(r.report.applied?.failures[0]?.error?.message).toMatch(/exists \(re-read after a 404\)/);
  });

  it('re-reads a group whose member PATCH was answered 400 after it changed state, and repairs what the 400 hid on the next run (https://github.com/lichti/aws-iam-scim-problem)', async () => {
    h = await startHarness(snapshot([user('a'), user('b'), user('c')], [group('g', ['a', 'b'])]));
    await h.run('sync');
    const g = h.emulator.groups()[0]!;
    const [a, b] = h.emulator.membersOf(g.id!);
    h.emulator.injectFault({
      method: 'PATCH',
      path: `/Groups/${g.id}`,
      times: 1,
      kind: 'commit-then-status',
      status: 400,
    });
    h.source.next = snapshot([user('a'), user('b'), user('c')], [group('g', ['a', 'b', 'c'])]);
    const second = await h.run('sync');
    expect(second.report.status).toBe('success');
    expect(second.report.applied?.notes[0]?.note).toMatch(
      /HTTP 400 on the member PATCH; membership re-read, 0 of 1 still pending/,
    );
    // The captured 400 also emptied the group: the members it dropped must come back.
    const client = (await import('../../src/emulator/test-support.js')).clientFor(h.emulator, 'test-token');
    await client('PATCH', `/Groups/${g.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: 'members', value: [{ value: a }, { value: b }] }],
    });
    const third = await h.run('sync');
    expect(third.report.target.membershipsRead).toBe(1);
    expect(h.emulator.membersOf(g.id!)).toHaveLength(3);
  });

  it('keeps working with users created outside SCIM that carry "emails": [] and bare UUID ids', async () => {
    h = await startHarness(snapshot([user('a')], [group('g', ['a'])]));
    const ct = h.emulator.seedUser({
      userName: 'ct-admin',
      displayName: 'CT',
      name: { givenName: 'C', familyName: 'T' },
    });
    expect(ct.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(h.emulator.writes().some((w) => w.path.includes(ct.id!))).toBe(false);
  });
});
