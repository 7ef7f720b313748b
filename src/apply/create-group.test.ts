import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectRef, Operation } from '../diff/plan.js';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';
import { asScimId } from '../model/ids.js';
import { ScimClient } from '../scim/client.js';
import { ScimError } from '../scim/errors.js';
import { applyCreateGroup } from './create-group.js';
import { MemoryIdDirectory, type ApplyContext } from './port.js';

/**
 * A group created with its first members in the POST (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html),
 * against the emulator: every path must end with the group existing once and holding every member.
 */
let emulator: RunningEmulator;
let ctx: ApplyContext;

beforeEach(async () => {
  emulator = await startEmulator({ logBodies: true });
  ctx = {
    scim: new ScimClient({ baseUrl: emulator.baseUrl, token: emulator.token, retryBaseDelayMs: 1 }),
    ids: new MemoryIdDirectory(),
    readAfterWriteDelaysMs: [20, 40, 80, 160, 320],
  };
});
afterEach(() => emulator.close());

const name = { givenName: 'A', familyName: 'B' };

function seedUsers(n: number, from = 0): ObjectRef[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const u = emulator.seedUser({ userName: `u${i}@x.test`, displayName: `U ${i}`, name, externalId: `src/u${i}` });
    return { externalId: `src/u${i}`, id: asScimId(u.id ?? '') };
  });
}

const create = (members: ObjectRef[]): Extract<Operation, { kind: 'createGroup' }> => ({
  kind: 'createGroup',
  externalId: 'src/g',
  displayName: 'Engineers',
  members,
});

function theGroup(): { id: string; members: string[] } {
  const groups = emulator.groups().filter((g) => g.externalId === 'src/g');
  expect(groups).toHaveLength(1);
  const id = groups[0]?.id ?? '';
  return { id, members: emulator.membersOf(id).sort() };
}

const ids = (refs: ObjectRef[]): string[] => refs.map((r) => r.id ?? '').sort();
const writes = (): string[] =>
  emulator.writes().map((w) => `${w.method} ${w.path.replace(/\/Groups\/.+/, '/Groups/{id}')} ${w.status}`);

describe('CreateGroup with its first members in the POST', () => {
  it('sends one POST carrying the members and nothing else', async () => {
    const members = seedUsers(3);
    expect(await applyCreateGroup(create(members), ctx, false)).toBeUndefined();
    expect(theGroup().members).toEqual(ids(members));
    expect(writes()).toEqual(['POST /Groups 201']);
    expect(await ctx.ids.get('group', 'src/g')).toBe(theGroup().id);
  });

  it('resolves members this run created from the run id directory', async () => {
    const [seeded] = seedUsers(1);
    await ctx.ids.set('user', 'src/new', asScimId(seeded?.id ?? ''));
    await applyCreateGroup(create([{ externalId: 'src/new' }]), ctx, false);
    expect(theGroup().members).toEqual([seeded?.id]);
  });

  it('after a lost response finds the group instead of creating it twice, and confirms its members', async () => {
    const members = seedUsers(2);
    emulator.injectFault({ method: 'POST', path: '/Groups', times: 1, kind: 'drop-after-commit' });
    await expect(applyCreateGroup(create(members), ctx, false)).rejects.toThrow();
    expect(await applyCreateGroup(create(members), ctx, true)).toMatch(
      /found after a lost response; not created twice; members re-read/,
    );
    expect(theGroup().members).toEqual(ids(members));
    expect(writes().filter((w) => w.startsWith('POST'))).toHaveLength(1);
  });

  it('on a 409 for our own group adds only the missing members and keeps a hand-added one', async () => {
    const members = seedUsers(3);
    const [handAdded] = seedUsers(1, 3);
    emulator.seedGroup({ displayName: 'Engineers', externalId: 'src/g' }, [members[0]?.id ?? '', handAdded?.id ?? '']);
    expect(await applyCreateGroup(create(members), ctx, false)).toMatch(/already existed with our externalId; adopted/);
    expect(theGroup().members).toEqual(ids([...members, handAdded!]));
    const patch = emulator.writes().find((w) => w.method === 'PATCH');
    expect(JSON.stringify(patch?.body)).not.toContain(members[0]?.id);
  });

  it('refuses, without touching it, a group of that name that is not ours', async () => {
    const members = seedUsers(1);
    emulator.seedGroup({ displayName: 'Engineers', externalId: 'other-tool/g' });
    await expect(applyCreateGroup(create(members), ctx, false)).rejects.toThrow(/not ours/);
    expect(emulator.writes().filter((w) => w.method !== 'POST')).toEqual([]);
  });

  it('when AWS refuses members in the POST, creates the group empty and adds them by PATCH', async () => {
    emulator.setOptions({ inlineMembers: 'refuse' });
    const members = seedUsers(2);
    expect(await applyCreateGroup(create(members), ctx, false)).toMatch(
      /HTTP 400 on the create with members; created without them/,
    );
    expect(theGroup().members).toEqual(ids(members));
    expect(writes()).toEqual(['POST /Groups 400', 'POST /Groups 201', 'PATCH /Groups/{id} 204']);
  });

  it('when members just created are not visible yet (read-after-write lag), still ends with every member', async () => {
    emulator.setOptions({ consistencyLagMs: 150 });
    const created = await ctx.scim.createUser({
      externalId: 'src/fresh',
      userName: 'fresh@x.test',
      displayName: 'Fresh',
      name,
      emails: [],
      phoneNumbers: [],
      addresses: [],
      enterprise: {},
      active: true,
    } as never);
    await ctx.ids.set('user', 'src/fresh', created.id);
    expect(await applyCreateGroup(create([{ externalId: 'src/fresh' }]), ctx, false)).toMatch(/HTTP 404 on the create/);
    expect(theGroup().members).toEqual([created.id]);
  });

  it('on a retry after the group was created but its members not yet completed, never creates it again', async () => {
    emulator.setOptions({ inlineMembers: 'refuse', consistencyLagMs: 500 });
    const members = seedUsers(2);
    emulator.injectFault({ method: 'PATCH', path: /^\/Groups\//, times: 1, kind: 'status', status: 429 });
    await expect(applyCreateGroup(create(members), ctx, false)).rejects.toThrow(/429/);
    expect(await applyCreateGroup(create(members), ctx, false)).toMatch(/created by an earlier attempt/);
    expect(theGroup().members).toEqual(ids(members));
  });

  it('after a 400 that committed the group anyway, completes that group rather than creating another', async () => {
    const members = seedUsers(2);
    emulator.injectFault({ method: 'POST', path: '/Groups', times: 1, kind: 'commit-then-status', status: 400 });
    expect(await applyCreateGroup(create(members), ctx, false)).toMatch(/HTTP 400 on the create, yet the group exists/);
    expect(theGroup().members).toEqual(ids(members));
    expect(writes().filter((w) => w.startsWith('POST'))).toHaveLength(1);
  });

  it('still reports a wrong endpoint as such when the create carries members', async () => {
    const members = seedUsers(1);
    const wrong = new URL(emulator.baseUrl);
    wrong.pathname = `/not-a-tenant${wrong.pathname}`;
    const elsewhere = {
      ...ctx,
      scim: new ScimClient({ baseUrl: wrong.href, token: emulator.token, retryBaseDelayMs: 1 }),
    };
    const failure = await applyCreateGroup(create(members), elsewhere, false).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ScimError);
    expect((failure as ScimError).isAuth).toBe(true);
    expect(emulator.groups()).toEqual([]);
  });

  it('creates the group with the members that exist and reports the ones whose create failed', async () => {
    const members = seedUsers(1);
    await expect(applyCreateGroup(create([...members, { externalId: 'src/failed' }]), ctx, false)).rejects.toThrow(
      /created, but 1 member\(s\) do not exist in AWS/,
    );
    expect(theGroup().members).toEqual(ids(members));
  });
});
