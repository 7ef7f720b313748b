import { describe, expect, it } from 'vitest';
import { user } from '../../test/helpers/builders.js';
import { normalizeUser } from '../diff/normalize-user.js';
import { applyUserMapping, type MappedUser } from './apply.js';
import { compileMapping, type MappingConfig } from './config.js';
import { recordLookup } from './lookup.js';

function mapped(mapping: MappingConfig['user'], record: Record<string, unknown>, base = user('u1')): MappedUser {
  return applyUserMapping(base, compileMapping({ user: mapping, group: {} }), recordLookup(record), (ref) =>
    ref === 'known' ? base.externalId : undefined,
  );
}

function mappedUser(mapping: MappingConfig['user'], record: Record<string, unknown>, base = user('u1')) {
  const result = mapped(mapping, record, base);
  if (result.kind !== 'user') throw new Error(result.reason);
  return result.user;
}

describe('applyUserMapping', () => {
  it('returns the built-in user untouched when nothing is mapped', () => {
    const base = user('u1', { title: 'Engineer' });
    expect(mapped({}, { title: 'CTO' }, base)).toEqual({ kind: 'user', user: base });
  });

  it('replaces only the mapped attributes and clears those whose expression gives nothing', () => {
    const base = user('u1', { title: 'Engineer', nickName: 'U', enterprise: { department: 'Ops' } });
    const out = mappedUser({ title: 'upper(t)', nickName: 'missing' }, { t: 'cto' }, base);
    expect(out).toMatchObject({ title: 'CTO', enterprise: { department: 'Ops' }, displayName: 'User u1' });
    expect(out.nickName).toBeUndefined();
    expect(base.title).toBe('Engineer');
  });

  it('skips a user whose mapped userName is empty', () => {
    expect(mapped({ userName: 'login' }, {})).toEqual({
      kind: 'skipped',
      reason: 'mapping.user.userName gave no value',
    });
  });

  it('fills the one work email and phone, and merges mapped address parts into the built-in address', () => {
    const base = user('u1', {
      addresses: [{ type: 'work', locality: 'Paris', country: 'FR', primary: true }],
    });
    const out = mappedUser(
      { email: 'mail', phoneNumber: 'tel', 'address.streetAddress': 'street', 'address.country': 'missing' },
      { mail: 'a@x.test', tel: '+33 1', street: '1 Rue' },
      base,
    );
    expect(out.emails).toEqual([{ value: 'a@x.test', type: 'work', primary: true }]);
    expect(out.phoneNumbers).toEqual([{ value: '+33 1', type: 'work', primary: true }]);
    expect(out.addresses).toEqual([{ type: 'work', locality: 'Paris', streetAddress: '1 Rue', primary: true }]);
  });

  it('marks a mapped profileUrl and manager as managed: a value, or null when the source has none', () => {
    expect(
      mappedUser({ profileUrl: 'url', 'enterprise.manager': 'boss' }, { url: 'intranet/u1', boss: 'known' }),
    ).toMatchObject({
      profileUrl: 'intranet/u1',
      manager: { ref: 'known', externalId: user('u1').externalId },
    });
    expect(mappedUser({ profileUrl: 'url', 'enterprise.manager': 'boss' }, { boss: 'elsewhere' })).toMatchObject({
      profileUrl: null,
      manager: { ref: 'elsewhere' },
    });
    expect(mappedUser({ 'enterprise.manager': 'boss' }, {}).manager).toBeNull();
  });

  it('hands mapped values to the same constraint engine: characters AWS rejects are removed and reported', () => {
    const out = mappedUser(
      { 'enterprise.costCenter': '`${cc};${x}`', profileUrl: "'https://intranet/u1'" },
      { cc: 'CC<1>' },
    );
    const normalized = normalizeUser(out, 'derive');
    expect(normalized.user?.enterprise.costCenter).toBe('CC1');
    expect(normalized.user?.profileUrl).toBeNull();
    expect(normalized.findings.map((f) => f.field)).toEqual(['enterprise.costCenter', 'profileUrl']);
  });

  it('reports a value left out by a regex bound as a finding of the run', () => {
    const out = mappedUser({ title: "replace(t, 'a', 'b')" }, { t: 'a'.repeat(2000) });
    expect(out.title).toBeUndefined();
    expect(normalizeUser(out, 'derive').findings).toContainEqual({
      object: 'user',
      externalId: out.externalId,
      action: 'altered',
      field: 'title',
      reason: 'replace(): a value longer than 1024 characters was left out',
    });
  });
});
