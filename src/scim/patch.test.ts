import { describe, expect, it } from 'vitest';
import { countMemberChanges, groupExternalIdPatch, MAX_MEMBERS_PER_PATCH, memberPatch, patchRequest, renameGroupPatch, userPatchOperations } from './patch.js';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_PATCH_OP } from './wire.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

describe('memberPatch', () => {
  it('builds the DG/patchgroup member form', () => {
    expect(memberPatch('remove', ['u1'])).toEqual({ op: 'remove', path: 'members', value: [{ value: 'u1' }] });
  });

  it('accepts exactly 100 ids and refuses 101', () => {
    expect(MAX_MEMBERS_PER_PATCH).toBe(100);
    expect(countMemberChanges([memberPatch('add', ids(100))])).toBe(100);
    expect(() => memberPatch('add', ids(101))).toThrow(/at most 100/);
  });

  it('refuses an empty list and duplicates', () => {
    expect(() => memberPatch('remove', [])).toThrow(/no user ids/);
    expect(() => memberPatch('add', ['u1', 'u1'])).toThrow(/duplicate/);
  });
});

describe('group patches', () => {
  it('renames with replace, no path and an object value (DG/patchgroup example)', () => {
    expect(renameGroupPatch('g1', 'New')).toEqual({ op: 'replace', value: { id: 'g1', displayName: 'New' } });
  });

  it('sets the externalId', () => {
    expect(groupExternalIdPatch('ldap:g')).toEqual({ op: 'replace', path: 'externalId', value: 'ldap:g' });
  });

  it('counts member changes across operations only', () => {
    expect(countMemberChanges([memberPatch('add', ids(3)), memberPatch('remove', ['x']), renameGroupPatch('g', 'n')])).toBe(4);
  });
});

describe('patchRequest', () => {
  it('wraps operations in the PatchOp envelope', () => {
    expect(patchRequest([renameGroupPatch('g', 'n')])).toEqual({ schemas: [SCHEMA_PATCH_OP], Operations: [renameGroupPatch('g', 'n')] });
  });

  it('refuses an empty request', () => {
    expect(() => patchRequest([])).toThrow(/at least one/);
  });
});

describe('userPatchOperations', () => {
  it('replaces and removes simple attributes; "" removes', () => {
    expect(userPatchOperations({ displayName: 'J', title: null, nickName: '' })).toEqual([
      { op: 'replace', path: 'displayName', value: 'J' },
      { op: 'remove', path: 'nickName' },
      { op: 'remove', path: 'title' },
    ]);
  });

  it('sends active as the DG example does, as a string', () => {
    expect(userPatchOperations({ active: false })).toEqual([{ op: 'replace', path: 'active', value: 'false' }]);
  });

  it('addresses name and enterprise sub-attributes by path', () => {
    expect(userPatchOperations({ name: { givenName: 'Jo', middleName: null }, enterprise: { department: 'Ops' } })).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Jo' },
      { op: 'remove', path: 'name.middleName' },
      { op: 'replace', path: `${SCHEMA_ENTERPRISE_USER}:department`, value: 'Ops' },
    ]);
  });

  it('replaces single-valued lists whole, primary email included, and removes an emptied one', () => {
    expect(userPatchOperations({ emails: [{ value: 'a@example.com' }], phoneNumbers: [] })).toEqual([
      { op: 'replace', path: 'emails', value: [{ value: 'a@example.com', primary: true }] },
      { op: 'remove', path: 'phoneNumbers' },
    ]);
  });

  it('changes userName with replace and leaves untouched attributes out', () => {
    expect(userPatchOperations({ userName: 'new' })).toEqual([{ op: 'replace', path: 'userName', value: 'new' }]);
    expect(userPatchOperations({})).toEqual([]);
  });
});
