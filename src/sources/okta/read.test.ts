import { describe, expect, it } from 'vitest';
import { StubOktaApi, stubGroup, stubUser } from '../../../test/helpers/oktaApiStub.js';
import { readRound, type RoundSpec } from './read.js';
import { rereadGroup, rereadUser } from './reread.js';
import type { Directory } from './transform.js';

const spec: RoundSpec = {
  sourceId: 'corp-okta',
  statuses: { staged: 'exclude', provisioned: 'exclude' },
  attributes: { userName: 'login', email: 'email' },
  scope: { type: 'appAssignments', appId: '0oaApp' },
  concurrency: 2,
};
const LATER = '2026-02-01T00:00:00.000Z';

function world(): StubOktaApi {
  return new StubOktaApi({
    users: [
      stubUser('00u1'),
      stubUser('00u2'),
      stubUser('00u3', { lastUpdated: '2026-01-15T00:00:00.000Z' }),
      stubUser('00u4'),
    ],
    groups: [stubGroup('00gA', 'aws-a', ['00u2', '00u3']), stubGroup('00gB', 'aws-b', ['00u3'])],
    appUsers: ['00u1'],
    appGroups: ['00gA', '00gB'],
  });
}

const ids = (directory: Directory): string[] => [...directory.users.keys()].sort();

describe('readRound, full', () => {
  it('reads assignments with users embedded and every member list, and sets the watermark', async () => {
    const api = world();
    const directory = await readRound(api, spec);
    expect(ids(directory)).toEqual(['00u1', '00u2', '00u3']);
    expect(directory.groups.get('00gA')).toEqual({
      kind: 'group',
      displayName: 'aws-a',
      memberIds: ['00u2', '00u3'],
      lastMembershipUpdated: '2026-01-01T00:00:00.000Z',
    });
    expect(directory.watermarks).toEqual({ lastUpdated: '2026-01-15T00:00:00.000Z' });
    expect(api.calls).toEqual([
      'listAppGroups',
      'listAppUsers expand=true',
      'listGroupUsers 00gA',
      'listGroupUsers 00gB',
    ]);
  });

  it('never sets the watermark after the round started: a user changed mid-read may have been read before', async () => {
    const api = world();
    api.users.set('00u1', stubUser('00u1', { lastUpdated: '2026-05-01T00:00:00.000Z' }));
    const directory = await readRound(api, spec, undefined, Date.parse('2026-04-01T00:00:00.000Z'));
    expect(directory.watermarks).toEqual({ lastUpdated: '2026-04-01T00:00:00.000Z' });
  });

  it('throws when any list fails part-way, returning nothing', async () => {
    const api = world();
    api.failOn = (call) => call === 'listGroupUsers 00gB';
    await expect(readRound(api, spec)).rejects.toThrow('stub: listGroupUsers 00gB failed');
  });
});

describe('readRound, incremental', () => {
  async function baselineAndApi() {
    const api = world();
    const directory = await readRound(api, spec);
    api.calls.length = 0;
    return { api, baseline: { directory, since: { lastUpdated: '2026-01-14T23:55:00.000Z' } } };
  }

  it('re-reads only users the search names and lists members only of groups whose stamp moved', async () => {
    const { api, baseline } = await baselineAndApi();
    api.users.set('00u2', stubUser('00u2', { lastUpdated: LATER, profile: { title: 'Lead' } }));
    api.groups.set('00gB', stubGroup('00gB', 'aws-b', ['00u3', '00u4'], LATER));
    const directory = await readRound(api, spec, baseline);
    expect(api.calls).toEqual([
      'listAppGroups',
      'listAppUsers expand=false',
      'listGroupUsers 00gB',
      'searchUsers lastUpdated gt "2026-01-14T23:55:00.000Z"',
    ]);
    expect(ids(directory)).toEqual(['00u1', '00u2', '00u3', '00u4']);
    const u2 = directory.users.get('00u2');
    expect(u2?.kind === 'user' && u2.user.title).toBe('Lead');
    expect(directory.groups.get('00gA')).toMatchObject({ memberIds: ['00u2', '00u3'] });
    expect(directory.watermarks).toEqual({ lastUpdated: LATER });
  });

  it('drops users whose assignment ended and fetches users new to the scope one by one', async () => {
    const { api, baseline } = await baselineAndApi();
    api.appUsers.delete('00u1');
    api.appUsers.add('00u4');
    const directory = await readRound(api, spec, baseline);
    expect(ids(directory)).toEqual(['00u2', '00u3', '00u4']);
    expect(api.calls).toContain('getUser 00u4');
    expect(api.calls.filter((c) => c.startsWith('getUser'))).toEqual(['getUser 00u4']);
    expect(directory.watermarks).toEqual(baseline.directory.watermarks);
  });

  it('leaves out a user new to the scope that Okta no longer has', async () => {
    const { api, baseline } = await baselineAndApi();
    api.appUsers.add('00u9');
    const directory = await readRound(api, spec, baseline);
    expect(api.calls).toContain('getUser 00u9');
    expect(directory.users.has('00u9')).toBe(false);
  });
});

describe('readRound, groups scope', () => {
  it('reads configured ids and search matches once each, and fails on a configured id that is gone', async () => {
    const api = world();
    api.groups.set('00gC', stubGroup('00gC', 'other', ['00u4']));
    const groups: RoundSpec = {
      ...spec,
      scope: { type: 'groups', ids: ['00gC', '00gA'], search: 'profile.name sw "aws-"' },
    };
    const directory = await readRound(api, groups);
    expect([...directory.groups.keys()]).toEqual(['00gC', '00gA', '00gB']);
    expect(ids(directory)).toEqual(['00u2', '00u3', '00u4']);
    await expect(readRound(api, { ...groups, scope: { type: 'groups', ids: ['00gGone'] } })).rejects.toThrow(
      /configured group 00gGone/,
    );
  });
});

describe('re-reads', () => {
  it('find in-scope users and groups, and null for the rest', async () => {
    const api = world();
    api.users.set('00u5', stubUser('00u5', { status: 'STAGED' }));
    api.appUsers.add('00u5');
    expect((await rereadUser(api, spec, '00u1'))?.externalId).toBe('corp-okta/00u1');
    expect(await rereadUser(api, spec, '00u4')).toBeNull();
    expect(await rereadUser(api, spec, '00u5')).toBeNull();
    expect(await rereadGroup(api, spec, '00gA')).toMatchObject({
      externalId: 'corp-okta/00gA',
      memberUsers: ['corp-okta/00u2', 'corp-okta/00u3'],
    });
    api.appGroups.delete('00gB');
    expect(await rereadGroup(api, spec, '00gB')).toBeNull();
    api.calls.length = 0;
    expect(await rereadUser(api, spec, '../groups/00gA')).toBeNull();
    expect(await rereadGroup(api, spec, '00gA?expand=x')).toBeNull();
    expect(api.calls).toEqual([]);
  });
});
