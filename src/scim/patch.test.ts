import { describe, expect, it } from 'vitest';
import {
  countMemberChanges,
  groupExternalIdPatch,
  MAX_MEMBERS_PER_PATCH,
  memberPatch,
  patchRequest,
  renameGroupPatch,
  userPatchOperations,
} from './patch.js';
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
  it('renames with one replace on the explicit path displayName (https://github.com/goauthentik/authentik/issues/12321)', () => {
    expect(renameGroupPatch('New')).toEqual({ op: 'replace', path: 'displayName', value: 'New' });
  });

  it('sets the externalId', () => {
    expect(groupExternalIdPatch('ldap/g')).toEqual({ op: 'replace', path: 'externalId', value: 'ldap/g' });
  });

  it('counts member changes across operations only', () => {
    expect(countMemberChanges([memberPatch('add', ids(3)), memberPatch('remove', ['x']), renameGroupPatch('n')])).toBe(
      4,
    );
  });
});

describe('patchRequest', () => {
  it('wraps operations in the PatchOp envelope', () => {
    expect(patchRequest([renameGroupPatch('n')])).toEqual({
      schemas: [SCHEMA_PATCH_OP],
      Operations: [renameGroupPatch('n')],
    });
  });

  it('refuses an empty request', () => {
    expect(() => patchRequest([])).toThrow(/at least one/);
  });
});

describe('userPatchOperations', () => {
  it('replaces and removes simple attributes, one operation per path; "" removes', () => {
    expect(
      userPatchOperations([
        { path: 'displayName', value: 'J' },
        { path: 'nickName', value: '' },
        { path: 'title', value: null },
      ]),
    ).toEqual([
      { op: 'replace', path: 'displayName', value: 'J' },
      { op: 'remove', path: 'nickName' },
      { op: 'remove', path: 'title' },
    ]);
  });

  it('sends active as the DG example does, as a string', () => {
    expect(userPatchOperations([{ path: 'active', value: false }])).toEqual([
      { op: 'replace', path: 'active', value: 'false' },
    ]);
  });

  it('addresses name and enterprise sub-attributes by their own paths', () => {
    const department = `${SCHEMA_ENTERPRISE_USER}:department`;
    expect(
      userPatchOperations([
        { path: 'name.givenName', value: 'Jo' },
        { path: 'name.middleName', value: null },
        { path: department, value: 'Ops' },
      ]),
    ).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Jo' },
      { op: 'remove', path: 'name.middleName' },
      { op: 'replace', path: department, value: 'Ops' },
    ]);
  });

  it('maps single-valued lists to the wire form (primary email) and removes an emptied one', () => {
    expect(
      userPatchOperations([
        { path: 'emails', value: [{ value: 'a@example.com' }] },
        { path: 'phoneNumbers', value: [] },
      ]),
    ).toEqual([
      { op: 'replace', path: 'emails', value: [{ value: 'a@example.com', primary: true }] },
      { op: 'remove', path: 'phoneNumbers' },
    ]);
  });

  it('refuses an empty request, a repeated path and removing userName or active (DG/patchuser)', () => {
    expect(() => userPatchOperations([])).toThrow(/no attribute/);
    expect(() =>
      userPatchOperations([
        { path: 'title', value: 'a' },
        { path: 'title', value: 'b' },
      ]),
    ).toThrow(/repeats/);
    expect(() => userPatchOperations([{ path: 'active', value: null }])).toThrow(/cannot be removed/);
  });
});
