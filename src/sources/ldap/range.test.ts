import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { FakeDirectory, type FakeDirectoryOptions } from '../../../test/helpers/ldapFakeDirectory.js';
import type { LdapEntry } from './entry.js';
import { values } from './entry.js';
import { anyObject } from './filters.js';
import { completeRangedAttributes, RangeRetrievalError } from './range.js';

const GROUP_DN = 'CN=Big,OU=Groups,DC=corp,DC=test';
const memberDns = (n: number) => Array.from({ length: n }, (_, i) => `CN=User ${i},OU=Staff,DC=corp,DC=test`);
const AD_RANGING: FakeDirectoryOptions = { maxValRange: { limit: 1500, attributes: ['member'] } };

function directory(members: number, options: FakeDirectoryOptions = AD_RANGING) {
  return new FakeDirectory([{ dn: GROUP_DN, objectClass: 'group', cn: 'Big', member: memberDns(members) }], options);
}

async function searched(dir: FakeDirectory): Promise<LdapEntry> {
  const spec = {
    baseDn: 'OU=Groups,DC=corp,DC=test',
    scope: 'sub' as const,
    filter: anyObject(),
    attributes: ['cn', 'member'],
    binaryAttributes: [],
  };
  for await (const page of dir.searchPages(spec)) if (page[0] !== undefined) return page[0];
  throw new Error('group not found');
}

describe('completeRangedAttributes', () => {
  it.each([
    [1499, 0],
    [1500, 0],
    [1501, 1],
    [5000, 3],
  ])('returns all %i members, with %i follow-up reads', async (count, followUps) => {
    const dir = directory(count);
    const entry = await searched(dir);
    const complete = await completeRangedAttributes(dir, entry, ['member'], 1000);
    expect(values(complete, 'member')).toEqual(memberDns(count));
    expect(dir.reads.map((r) => r.attributes)).toEqual(
      Array.from({ length: followUps }, (_, i) => [`member;range=${(i + 1) * 1500}-*`]),
    );
  });

  it('leaves entries without a ranged attribute untouched and reads nothing', async () => {
    const dir = directory(10, {});
    const entry = await searched(dir);
    expect(await completeRangedAttributes(dir, entry, ['member', 'uniqueMember'], 1000)).toBe(entry);
    expect(dir.reads).toEqual([]);
  });

  const scripted = (answer: Entry | null): FakeDirectoryOptions => ({ ...AD_RANGING, onRead: () => answer });

  it.each([
    [
      'a slice that does not start where asked',
      scripted({ dn: GROUP_DN, 'member;range=3000-*': ['x'] }),
      /asked for values from 1500, got a slice from 3000/,
    ],
    ['an answer without a slice', scripted({ dn: GROUP_DN, member: [] }), /returned no slice for 1500-\*/],
    ['an entry that vanished', scripted(null), /disappeared during the read/],
    ['a slice that does not advance', scripted({ dn: GROUP_DN, 'member;range=1500-1400': [] }), /does not advance/],
  ])('fails on %s', async (_, options, message) => {
    const dir = directory(5000, options);
    await expect(completeRangedAttributes(dir, await searched(dir), ['member'], 1000)).rejects.toThrow(message);
  });

  it('fails after maxRangeIterations follow-ups instead of looping', async () => {
    const dir = directory(5000);
    const promise = completeRangedAttributes(dir, await searched(dir), ['member'], 2);
    await expect(promise).rejects.toBeInstanceOf(RangeRetrievalError);
    await expect(promise).rejects.toThrow(/more than 2 follow-up reads/);
  });

  it('propagates a failed follow-up read', async () => {
    const dir = directory(5000, {
      ...AD_RANGING,
      failure: ({ kind, index }) => (kind === 'read' && index === 1 ? new Error('socket hang up') : undefined),
    });
    await expect(completeRangedAttributes(dir, await searched(dir), ['member'], 1000)).rejects.toThrow(
      'socket hang up',
    );
  });
});
