import { describe, expect, it } from 'vitest';
import type { Operation } from '../diff/plan.js';
import type { ScimId } from '../model/ids.js';
import { auditEntry } from './audit.js';
import { MemoryIdDirectory } from './port.js';

const patch: Operation = {
  kind: 'patchUser',
  target: { externalId: 'hr/p1', id: 'aws-1' as ScimId, name: 'person1@example.com' },
  changes: [
    { path: 'title', value: 'Staff Engineer', from: 'Engineer' },
    { path: 'nickName', value: 'P' },
  ],
};

describe('auditEntry', () => {
  it('carries the old value of a changed attribute where the plan knows it', async () => {
    expect(await auditEntry(patch, new MemoryIdDirectory(), false)).toEqual({
      op: 'patchUser',
      targetId: 'aws-1',
      externalId: 'hr/p1',
      changes: [
        { field: 'title', from: 'Engineer', to: 'Staff Engineer' },
        { field: 'nickName', to: 'P' },
      ],
    });
  });

  it('names the members a group was created with', async () => {
    const ids = new MemoryIdDirectory();
    await ids.set('group', 'hr/g', 'aws-g' as ScimId);
    const create: Operation = {
      kind: 'createGroup',
      externalId: 'hr/g',
      displayName: 'Engineers',
      members: [{ externalId: 'hr/p1', id: 'aws-1' as ScimId }, { externalId: 'hr/p2' }],
    };
    expect(await auditEntry(create, ids, false)).toEqual({
      op: 'createGroup',
      targetId: 'aws-g',
      externalId: 'hr/g',
      changes: [
        { field: 'displayName', to: 'Engineers' },
        { field: 'members', to: { add: ['hr/p1', 'hr/p2'] } },
      ],
    });
  });

  it('masks old and new values with sync.maskAuditValues', async () => {
    const entry = await auditEntry(patch, new MemoryIdDirectory(), true);
    expect(entry.changes).toEqual([
      { field: 'title', from: '[masked]', to: '[masked]' },
      { field: 'nickName', to: '[masked]' },
    ]);
  });
});
