import { describe, expect, it } from 'vitest';
import type { OperationResult } from '../apply/outcome.js';
import type { Plan } from '../diff/index.js';
import { silentLogger } from '../log/logger.js';
import type { TargetUser } from '../model/aws.js';
import { confirmInlineMembers } from './inline-check.js';

const plan = {
  operations: [
    { kind: 'createGroup', externalId: 'hr/empty', displayName: 'Empty' },
    {
      kind: 'createGroup',
      externalId: 'hr/g',
      displayName: 'G',
      members: [{ externalId: 'hr/a' }, { externalId: 'hr/b' }],
    },
  ],
} as unknown as Plan;
const results: OperationResult[] = [
  { index: 0, kind: 'createGroup', externalId: 'hr/empty', status: 'applied', attempts: 1, scimId: 'aws-empty' },
  { index: 1, kind: 'createGroup', externalId: 'hr/g', status: 'applied', attempts: 1, scimId: 'aws-g' },
];

/** Answers each read with the next list of member externalIds; counts the reads and the group they named. */
function reader(...answers: string[][]) {
  const seen: string[] = [];
  return {
    seen,
    async *listGroupMembers(groupId: string): AsyncIterable<TargetUser> {
      seen.push(groupId);
      for (const externalId of answers[Math.min(seen.length - 1, answers.length - 1)] ?? [])
        yield { id: `aws-${externalId}`, externalId } as TargetUser;
    },
  };
}

describe('reading back a group created with members (DG/creategroup)', () => {
  it('reads the first group that was sent members, once, and finds nothing to report', async () => {
    const r = reader(['hr/a', 'hr/b']);
    expect(await confirmInlineMembers(r, plan, results, silentLogger(), [1])).toBeUndefined();
    expect(r.seen).toEqual(['aws-g']);
  });

  it('reads again while read-after-write lag lasts (https://github.com/awslabs/ssosync/issues/42)', async () => {
    const r = reader([], ['hr/a', 'hr/b']);
    expect(await confirmInlineMembers(r, plan, results, silentLogger(), [1, 1])).toBeUndefined();
    expect(r.seen).toHaveLength(2);
  });

  it('warns when members are still missing after the waits', async () => {
    const finding = await confirmInlineMembers(reader(['hr/a']), plan, results, silentLogger(), [1]);
    expect(finding).toMatchObject({ object: 'group', externalId: 'hr/g', action: 'warning', field: 'members' });
    expect(finding?.reason).toContain('AWS holds 1 of the 2 member(s)');
  });

  it('warns, rather than failing the run, when the read back fails', async () => {
    const failing = {
      // eslint-disable-next-line require-yield
      async *listGroupMembers(): AsyncIterable<TargetUser> {
        throw new Error('connection reset');
      },
    };
    const finding = await confirmInlineMembers(failing, plan, results, silentLogger(), [1]);
    expect(finding?.reason).toMatch(/could not be read back \(connection reset\)/);
  });

  it('reads nothing when no group was created with members, or its create needed a recovery', async () => {
    const r = reader([]);
    const recovered = results.map((x) => ({ ...x, note: 'found after a lost response; not created twice' }));
    expect(await confirmInlineMembers(r, plan, recovered, silentLogger(), [1])).toBeUndefined();
    expect(r.seen).toEqual([]);
  });
});
