import { describe, expect, it } from 'vitest';
import { resolveGroupRefs, selectGroups, type NamedGroup } from './scope.js';

const g = (n: number, displayName: string): NamedGroup => ({
  id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  displayName,
});
const all = [g(1, 'AWS-Admins'), g(2, 'aws-readers'), g(3, 'Finance'), g(4, 'Twins'), g(5, 'twins')];

describe('resolveGroupRefs', () => {
  it('finds groups by object id or by exact displayName, case-insensitively, once each', () => {
    expect(resolveGroupRefs([all[2]!.id.toUpperCase(), 'finance', 'AWS-ADMINS'], all, 'scope.groups.list')).toEqual([
      all[2],
      all[0],
    ]);
  });

  it('refuses a name or id that matches no group', () => {
    expect(() => resolveGroupRefs(['Payroll'], all, 'scope.groups.list')).toThrow(
      'scope.groups.list: no group is named "Payroll"',
    );
    expect(() => resolveGroupRefs([g(9, '').id], all, 'scope.users.memberOf')).toThrow(/no group has the id/);
  });

  it('refuses a name that several groups share instead of picking one', () => {
    expect(() => resolveGroupRefs(['TWINS'], all, 'scope.groups.list')).toThrow(
      '2 groups are named "TWINS"; list the group\'s object id instead',
    );
  });
});

describe('selectGroups', () => {
  it('selects by displayName prefix case-insensitively, as Graph startswith does', () => {
    expect(selectGroups({ displayNamePrefix: 'AWS-' }, all)).toEqual([all[0], all[1]]);
  });

  it('selects nothing for none', () => {
    expect(selectGroups('none', all)).toEqual([]);
  });
});
