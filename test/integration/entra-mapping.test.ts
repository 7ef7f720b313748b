/**
 * Attribute mapping on the Entra source through the real Graph SDK against the https Graph fake:
 * mapped properties are added to `$select`, and a mapped manager is read with the user list through
 * `$expand=manager($select=id)` (https://learn.microsoft.com/graph/api/user-list-manager) and named by the
 * manager's object id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USER_SELECT } from '../../src/sources/entra/wire.js';
import { person, signal, startEntraWorld, uid, type EntraWorld } from '../helpers/entraFixtures.js';

let w: EntraWorld;
beforeEach(async () => {
  w = await startEntraWorld();
});
afterEach(async () => {
  await w.close();
});

const ext = (id: string) => `corp-entra/${id}`;
const mapping = {
  user: {
    'enterprise.costCenter': 'onPremisesExtensionAttributes.extensionAttribute1',
    'enterprise.manager': 'manager',
  },
};

describe('Entra read with a mapping', () => {
  it('selects mapped properties and resolves each manager by object id', async () => {
    w.fake.tenant.addUser(
      person(1, { managerId: uid(2), onPremisesExtensionAttributes: { extensionAttribute1: 'CC-1' } }),
    );
    w.fake.tenant.addUser(person(2));
    const snapshot = await w.source({ mapping }).readSnapshot(signal());
    const byId = new Map(snapshot.users.map((u) => [String(u.externalId), u]));
    expect(byId.get(ext(uid(1)))).toMatchObject({
      enterprise: { costCenter: 'CC-1' },
      manager: { ref: uid(2), externalId: ext(uid(2)) },
    });
    expect(byId.get(ext(uid(2)))?.manager).toBeNull();
    const select = w.fake.calls('/users')[0]?.query.get('$select')?.split(',');
    expect(select).toEqual([...USER_SELECT, 'onPremisesExtensionAttributes']);
    expect(w.fake.calls('/users')[0]?.query.get('$expand')).toBe('manager($select=id)');
    expect(w.fake.requests.filter((r) => r.path.endsWith('/manager'))).toEqual([]);
  });

  it('reads no manager without a mapping that uses it', async () => {
    w.fake.tenant.addUser(person(1, { managerId: uid(2) }));
    const snapshot = await w.source().readSnapshot(signal());
    expect(snapshot.users[0]).not.toHaveProperty('manager');
    expect(w.fake.requests.some((r) => r.path.endsWith('/manager'))).toBe(false);
    expect(w.fake.calls('/users')[0]?.query.has('$expand')).toBe(false);
  });
});
