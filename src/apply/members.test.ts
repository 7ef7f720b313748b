import { describe, expect, it } from 'vitest';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { asScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import type { PatchOperation } from '../scim/wire.js';
import { applyMemberChange } from './members.js';
import { MemoryIdDirectory, type ApplyContext, type ScimPort } from './port.js';

const notFound = (): ScimError =>
  new ScimError({ method: 'PATCH', path: '/Groups/g', status: 404, detail: 'GROUP does not exist.' });

function context(
  patchGroup: (id: string, ops: PatchOperation[]) => Promise<void>,
  group: TargetGroup | null = null,
  members: string[] = [],
): ApplyContext & { patches: number } {
  const ctx = {
    patches: 0,
    ids: new MemoryIdDirectory(),
    readAfterWriteDelaysMs: [1, 1, 1],
    scim: {
      patchGroup: async (id: string, ops: PatchOperation[]) => {
        ctx.patches += 1;
        await patchGroup(id, ops);
      },
      getGroup: async () => group,
      listGroupMembers: async function* () {
        for (const id of members) yield { id } as TargetUser;
      },
      findUserByExternalId: async () => null,
      findGroupByExternalId: async () => null,
    } as unknown as ScimPort,
  };
  return ctx;
}

const add = (groupId?: string) => ({
  kind: 'addMembers' as const,
  group: groupId ? { externalId: 'src/g', id: asScimId(groupId) } : { externalId: 'src/g' },
  members: [{ externalId: 'src/a', id: asScimId('a') }],
});

describe('member PATCH and read-after-write lag (https://github.com/awslabs/ssosync/issues/42)', () => {
  it('retries a 404 on a group created this run within the bound, and says so', async () => {
    let calls = 0;
    const ctx = context(async () => {
      calls += 1;
      if (calls < 3) throw notFound();
    });
    await ctx.ids.set('group', 'src/g', asScimId('g'));
    expect(await applyMemberChange(add(), ctx, false)).toMatch(
      /AWS answered 404 for 2 ms after the create \(read-after-write lag\); applied on retry/,
    );
    expect(ctx.patches).toBe(3);
  });

  it('gives up after the bound, then re-reads the group to report lag, not "gone"', async () => {
    const ctx = context(async () => Promise.reject(notFound()), { id: asScimId('g'), displayName: 'G' });
    await ctx.ids.set('group', 'src/g', asScimId('g'));
    await expect(applyMemberChange(add(), ctx, false)).rejects.toThrow(
      /exists \(re-read after a 404\), but still 404 after 3 ms of read-after-write retries/,
    );
    expect(ctx.patches).toBe(4);
  });

  it('does not wait on a group that existed before the run; a re-read that finds nothing reports it gone', async () => {
    const ctx = context(async () => Promise.reject(notFound()), null);
    await expect(applyMemberChange(add('g'), ctx, false)).rejects.toThrow(
      /is gone from AWS \(re-read after a 404 found no group\)/,
    );
    expect(ctx.patches).toBe(1);
  });

  it('re-reads the membership after a 400 instead of assuming nothing changed (https://github.com/lichti/aws-iam-scim-problem)', async () => {
    const ctx = context(
      async () => Promise.reject(new ScimError({ method: 'PATCH', path: '/Groups/g', status: 400 })),
      null,
      ['a'],
    );
    expect(await applyMemberChange(add('g'), ctx, false)).toMatch(
      /HTTP 400 on the member PATCH; membership re-read, 0 of 1 still pending/,
    );
  });
});
