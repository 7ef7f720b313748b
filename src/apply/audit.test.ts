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

  it('masks old and new values with sync.maskAuditValues', async () => {
    const entry = await auditEntry(patch, new MemoryIdDirectory(), true);
    expect(entry.changes).toEqual([
      { field: 'title', from: '[masked]', to: '[masked]' },
      { field: 'nickName', to: '[masked]' },
    ]);
  });
});
