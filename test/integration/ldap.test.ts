/**
 * The LDAP source against a real OpenLDAP slapd (test/helpers/slapd.ts) through the real ldapts client:
 * complete reads, paging, TLS, every way a read can end early, and LDAP
 * injection checked on the wire.
 */
import { Client, InvalidCredentialsError, SizeLimitExceededError, TimeLimitExceededError } from 'ldapts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import {
  BULK_USERS,
  bulkLdif,
  capturingLogger,
  causeChain,
  ldapSource,
  PEOPLE,
  rejection,
  signal,
  type SourceOptions,
} from '../helpers/ldapIntegration.js';
import { startLdapProxy, type LdapProxy, type ServerMessageAction } from '../helpers/ldapProxy.js';
import {
  decodeSearchRequests,
  PROTOCOL_OP,
  RESULT_CODE,
  withResultCode,
  type LdapMessage,
} from '../helpers/ldapWire.js';
import { startSlapd, type Slapd } from '../helpers/slapd.js';
import { createSelfSignedCertificate } from '../helpers/slapdTools.js';

let slapd: Slapd;
let snapshot: Snapshot;
const proxies: LdapProxy[] = [];

beforeAll(async () => {
  slapd = await startSlapd({ fixtures: ['seed.ldif'] });
  await slapd.ldapadd(bulkLdif(BULK_USERS));
  snapshot = await ldapSource(slapd).readSnapshot(signal());
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await slapd?.stop();
});

const user = (userName: string) => snapshot.users.find((u) => u.userName === userName);
const group = (displayName: string) => snapshot.groups.find((g) => g.displayName === displayName);
const ids = (...userNames: string[]) => userNames.map((n) => user(n)?.externalId);
const unresolvedOf = (displayName: string) =>
  snapshot.unresolvedMembers.filter((m) => m.group === group(displayName)?.externalId).map((m) => [m.member, m.reason]);

/** A proxy in front of `target` whose answers pass through `decide`; SearchResultDone messages are counted. */
async function proxy(
  target: Slapd,
  decide?: (message: LdapMessage, pagesDone: number) => ServerMessageAction | Promise<ServerMessageAction>,
) {
  let pagesDone = 0;
  const started = await startLdapProxy({
    target: { host: target.host, port: target.port },
    onServerMessage: (message) => {
      if (message.protocolOp === PROTOCOL_OP.searchResultDone) pagesDone += 1;
      return decide?.(message, pagesDone) ?? 'forward';
    },
  });
  proxies.push(started);
  return { ...started, pagesDone: () => pagesDone };
}

async function readFailure(options: SourceOptions, abort?: AbortSignal): Promise<SourceReadError> {
  const err = await rejection(ldapSource(slapd, options).readSnapshot(abort ?? signal()));
  expect(err).toBeInstanceOf(SourceReadError);
  expect((err as SourceReadError).code).toBe('SOURCE_READ_FAILED');
  return err as SourceReadError;
}

describe('full read', () => {
  it('maps every attribute of a user, with entryUUID as the immutable id', async () => {
    const client = new Client({ url: slapd.url });
    await client.bind(slapd.bindDn, slapd.bindPassword);
    const { searchEntries } = await client.search(`uid=alice,${PEOPLE}`, { scope: 'base', attributes: ['entryUUID'] });
    await client.unbind();
    expect(user('alice')).toEqual({
      externalId: `corp-ldap/${String(searchEntries[0]?.entryUUID)}`,
      userName: 'alice',
      displayName: 'Alice A.',
      name: { givenName: 'Alice', familyName: 'Anders' },
      title: 'Staff Engineer',
      emails: [{ value: 'alice@example.test', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work', primary: true }],
      addresses: [],
      enterprise: { employeeNumber: '1001', department: 'R&D' },
      active: true,
      // createTimestamp (RFC 4512 §3.4), for the collision winner rule.
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
      provenance: { sourceKind: 'ldap', sourceId: 'corp-ldap', ref: `uid=alice,${PEOPLE}` },
    });
  });

  it('reads every user: two mails, filter metacharacters and non-ASCII, a locked account', () => {
    expect(snapshot.users).toHaveLength(6 + BULK_USERS);
    expect(user('carol')?.emails).toEqual([
      { value: 'carol@example.test', type: 'work', primary: true },
      { value: 'carol.clark@example.org', type: 'work', primary: false },
    ]);
    expect(user('jose')).toMatchObject({ displayName: 'José (admin) *', name: { familyName: 'Núñez' }, active: true });
    expect(user('dave')?.active).toBe(false);
  });

  it('reports direct members of groupOfNames, including nested groups and the engineering ⊃ platform ⊃ engineering cycle', () => {
    expect(group('engineering')).toMatchObject({
      memberUsers: ids('alice', 'jose'),
      memberGroups: [group('platform')?.externalId],
    });
    expect(group('platform')).toMatchObject({
      memberUsers: ids('bob'),
      memberGroups: [group('engineering')?.externalId],
    });
    expect(unresolvedOf('engineering')).toEqual([
      [`uid=nobody,${PEOPLE}`, 'not a user or group in scope'],
      ['cn=reader,ou=system,dc=example,dc=test', 'not a user or group in scope'],
    ]);
  });

  it('reads groupOfUniqueNames, posixGroup and a group with more than 100 members', () => {
    expect(group('auditors')).toMatchObject({ memberUsers: ids('carol', 'eve'), memberGroups: [] });
    expect(group('developers')?.memberUsers).toEqual(ids('alice', 'eve'));
    expect(unresolvedOf('developers')).toEqual([['ghost', 'no user in scope has this uid']]);
    expect(group('everyone')?.memberUsers).toHaveLength(BULK_USERS);
    expect(snapshot.groups).toHaveLength(6);
  });

  it('reads the same snapshot in many small pages; unpaged, the server would stop at 20 entries', async () => {
    const watched = await proxy(slapd);
    const paged = await ldapSource(slapd, { config: { url: watched.url, pageSize: 7 } }).readSnapshot(signal());
    expect(watched.pagesDone()).toBeGreaterThanOrEqual(Math.ceil((6 + BULK_USERS) / 7) + 1);
    expect({ ...paged, readAt: '' }).toEqual({ ...snapshot, readAt: '' });
    const client = new Client({ url: slapd.url });
    await client.bind(slapd.bindDn, slapd.bindPassword);
    await expect(client.search(PEOPLE, { filter: '(objectClass=inetOrgPerson)' })).rejects.toBeInstanceOf(
      SizeLimitExceededError,
    );
    await client.unbind();
  });

  it('logs counts and timings, never attribute values or the password', async () => {
    const { logger, output } = capturingLogger();
    await ldapSource(slapd, { logger }).readSnapshot(signal());
    const log = output();
    expect(log).toMatch(/"component":"source","source":\{"kind":"ldap","id":"corp-ldap"\}/);
    expect(log).toMatch(/"users":126,"groups":6,"unresolvedMembers":4,"skipped":\d+,"ms":\d+/);
    expect(log).toContain('"vendor":"openldap"');
    for (const secret of [slapd.bindPassword, 'alice@example.test', 'Anders', 'uid=alice'])
      expect(log).not.toContain(secret);
  });
});

describe('TLS', () => {
  it('reads over StartTLS and over ldaps:// with the CA file', async () => {
    const viaStartTls = await ldapSource(slapd, {
      config: { allowInsecure: false, startTls: true, caFile: slapd.caFile },
    }).readSnapshot(signal());
    expect(viaStartTls.users).toHaveLength(snapshot.users.length);
    const viaLdaps = await ldapSource(slapd, {
      config: { url: slapd.ldapsUrl, allowInsecure: false, caFile: slapd.caFile, tlsServerName: 'localhost' },
    }).readSnapshot(signal());
    expect(viaLdaps.groups).toHaveLength(snapshot.groups.length);
  });

  it('refuses a server certificate from another CA, from no known CA, or for another name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icsync-other-ca-'));
    try {
      const otherCa = (await createSelfSignedCertificate(dir)).certFile;
      const attempts = [
        { startTls: true, caFile: otherCa },
        { url: slapd.ldapsUrl, caFile: otherCa },
        { url: slapd.ldapsUrl },
        { url: slapd.ldapsUrl, caFile: slapd.caFile, tlsServerName: 'ldap.example.com' },
        { startTls: true, caFile: slapd.caFile, tlsServerName: 'ldap.example.com' },
      ];
      for (const attempt of attempts) {
        const err = await readFailure({ config: { allowInsecure: false, ...attempt } });
        expect(err.message).toMatch(/(StartTLS|bind as .*) failed: .*(certificate|self-signed|altnames|Hostname\/IP)/i);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reads that cannot complete', () => {
  it('fails on a wrong password, without echoing it', async () => {
    const err = await readFailure({ password: 'wrong-password-4711' });
    expect(causeChain(err).some((e) => e instanceof InvalidCredentialsError)).toBe(true);
    expect(err.message).not.toContain('wrong-password-4711');
    expect(err.message).toContain('bind as "cn=reader,ou=system,dc=example,dc=test" failed');
  });

  it('fails when the password secret is not set', async () => {
    const err = await rejection(ldapSource(slapd, { password: '' }).readSnapshot(signal()));
    expect((err as Error).message).toMatch(/environment variable ICSYNC_TEST_LDAP_PASSWORD is not set/);
  });

  it('fails when the server stops a paged search at its size limit', async () => {
    const err = await readFailure({
      config: { bindDn: slapd.limitedBindDn, pageSize: 7 },
      password: slapd.limitedBindPassword,
    });
    expect(causeChain(err).some((e) => e instanceof SizeLimitExceededError)).toBe(true);
    expect(err.message).toContain(`search under "${PEOPLE}" failed`);
  });

  // slapd's time limits count whole seconds and this tree is searched in microseconds, so the proxy
  // turns the second page's resultCode into timeLimitExceeded (3) instead; ldapts and the reader are real.
  it('fails when the server reports timeLimitExceeded on the second page', async () => {
    const timeLimited = await proxy(slapd, (message, pagesDone) =>
      message.protocolOp === PROTOCOL_OP.searchResultDone && pagesDone === 2
        ? withResultCode(message, RESULT_CODE.timeLimitExceeded)
        : 'forward',
    );
    const err = await readFailure({ config: { url: timeLimited.url, pageSize: 7 } });
    expect(causeChain(err).some((e) => e instanceof TimeLimitExceededError)).toBe(true);
  });

  it('fails when the server stops answering after the first page (client timeout)', async () => {
    const stalled = await proxy(slapd, (_, pagesDone) => (pagesDone >= 2 ? 'hold' : 'forward'));
    const err = await readFailure({ config: { url: stalled.url, pageSize: 7, timeoutMs: 300 } });
    expect(err.message).toMatch(/timed out/);
  });

  it('fails when the connection is cut after the second page', async () => {
    const cut = await proxy(slapd, (message, pagesDone) =>
      message.protocolOp === PROTOCOL_OP.searchResultDone && pagesDone === 3 ? 'cut' : 'forward',
    );
    const err = await readFailure({ config: { url: cut.url, pageSize: 7 } });
    expect(err.message).toMatch(/search under .* failed: .*(Connection closed|Socket)/);
  });

  it('fails when slapd is killed between pages', async () => {
    const doomed = await startSlapd({ fixtures: ['seed.ldif'] });
    try {
      await doomed.ldapadd(bulkLdif(BULK_USERS));
      const killing = await proxy(doomed, async (message, pagesDone): Promise<ServerMessageAction> => {
        if (message.protocolOp === PROTOCOL_OP.searchResultDone && pagesDone === 2) await doomed.kill();
        return 'forward';
      });
      const source = ldapSource(doomed, { config: { url: killing.url, pageSize: 7 } });
      const err = await rejection(source.readSnapshot(signal()));
      expect(err).toBeInstanceOf(SourceReadError);
      expect(killing.pagesDone()).toBe(2);
    } finally {
      await doomed.stop();
    }
  });

  it('fails when the read is aborted mid-way', async () => {
    const controller = new AbortController();
    const aborting = await proxy(slapd, (_, pagesDone) => {
      if (pagesDone === 2) controller.abort();
      return 'forward';
    });
    const err = await readFailure({ config: { url: aborting.url, pageSize: 7 } }, controller.signal);
    expect(err.message).toContain('full read failed (aborted)');
  });
});

describe('LDAP injection', () => {
  const RAW = '*)(uid=*';

  it('a memberUid of "*)(uid=*" resolves to nobody in a full read', () => {
    expect(group('injected')?.memberUsers).toEqual(ids('bob'));
    expect(unresolvedOf('injected')).toEqual([[RAW, 'no user in scope has this uid']]);
  });

  it('a group re-read sends that memberUid as one escaped equality assertion', async () => {
    const watched = await proxy(slapd);
    const reread = await ldapSource(slapd, { config: { url: watched.url } }).rereadGroup(
      (group('injected')?.externalId ?? '').replace('corp-ldap/', ''),
      signal(),
    );
    expect(reread?.memberUsers).toEqual(ids('bob'));
    // ldapts lower-cases attribute names (and objectClass values) when it decodes a filter.
    const filters = decodeSearchRequests(watched.clientMessages()).map((s) => s.filter);
    expect(filters).toContain('(&(objectclass=inetorgperson)(uid=\\2a\\29\\28uid=\\2a))');
    // On the wire (RFC 4511 §4.5.1.7) the value is one OCTET STRING inside an equalityMatch [3]:
    // a3 len | 04 03 "uid" | 04 08 "*)(uid=*" — and no present filter (87 03 "uid") anywhere.
    const equalityMatch = Buffer.concat([
      Buffer.from([0xa3, 15, 0x04, 3]),
      Buffer.from('uid'),
      Buffer.from([0x04, 8]),
      Buffer.from(RAW),
    ]);
    const bytes = watched.clientBytes();
    expect(bytes.includes(equalityMatch)).toBe(true);
    expect(bytes.indexOf(Buffer.from(RAW))).toBe(bytes.indexOf(equalityMatch) + 9);
    expect(bytes.lastIndexOf(Buffer.from(RAW))).toBe(bytes.indexOf(Buffer.from(RAW)));
    expect(bytes.includes(Buffer.concat([Buffer.from([0x87, 3]), Buffer.from('uid')]))).toBe(false);
  });

  it('a re-read id of "*" matches nothing and goes out escaped', async () => {
    const watched = await proxy(slapd);
    const source = ldapSource(slapd, { config: { url: watched.url } });
    expect(await source.rereadUser('*', signal())).toBeNull();
    expect(await source.rereadGroup('*', signal())).toBeNull();
    expect(decodeSearchRequests(watched.clientMessages()).map((s) => s.filter)).toContain(
      '(&(objectclass=inetorgperson)(entryuuid=\\2a))',
    );
  });

  it('re-reads by entryUUID give what the full read gave', async () => {
    const source = ldapSource(slapd);
    const alice = user('alice');
    expect(await source.rereadUser(alice?.externalId.replace('corp-ldap/', '') ?? '', signal())).toEqual(alice);
    const engineering = group('engineering');
    expect(await source.rereadGroup(engineering?.externalId.replace('corp-ldap/', '') ?? '', signal())).toEqual(
      engineering,
    );
  });
});
