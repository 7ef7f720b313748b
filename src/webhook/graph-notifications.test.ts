import { describe, expect, it } from 'vitest';
import { classifyBatch } from './graph-notifications.js';
import { SecretMatcher } from './http.js';

const STATE = 'client-state-0123456789-0123456789';
const TENANT = '11111111-2222-4333-8444-555555555555';
const ID = 'AAAAAAAA-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const ctx = { sourceId: 'corp-entra', clientState: new SecretMatcher(STATE), tenantId: TENANT };
const item = (extra: Record<string, unknown>) => ({
  clientState: STATE,
  tenantId: TENANT,
  subscriptionId: ID,
  changeType: 'updated',
  ...extra,
});

describe('classifyBatch', () => {
  it.each([
    ['@odata.type', { resourceData: { '@odata.type': '#Microsoft.Graph.User', id: ID } }, 'user'],
    ['a lower-case @odata.type', { resourceData: { '@odata.type': '#microsoft.graph.group', id: ID } }, 'group'],
    ['the resource path', { resource: 'Groups/x', resourceData: { id: ID } }, 'group'],
    ['a leading-slash path', { resource: '/users/x', resourceData: { id: ID } }, 'user'],
  ])('reads the kind from %s', (_name, extra, kind) => {
    expect(classifyBatch([item(extra)], ctx).candidates.map((c) => c.hint)).toEqual([
      { sourceId: 'corp-entra', kind, id: ID.toLowerCase(), origin: 'graph' },
    ]);
  });

  it('ignores items whose type and path disagree, or that name no object id', () => {
    const out = classifyBatch(
      [
        item({ resource: 'Users/x', resourceData: { '@odata.type': '#Microsoft.Graph.Group', id: ID } }),
        item({ resource: 'Users/x', resourceData: {} }),
        item({ resource: 'Users/x' }),
      ],
      ctx,
    );
    expect(out).toMatchObject({ candidates: [], ignored: 3, received: 3 });
  });

  it('keys a notification that carries an id for replay protection', () => {
    expect(
      classifyBatch([item({ id: 'n-1', resource: 'Users/x', resourceData: { id: ID } })], ctx).candidates[0]?.dedupeKey,
    ).toBe('graph:n-1');
  });

  it('keys a notification without an id by subscription, resource, change type and object, so a replay is recognised', () => {
    const change = { resource: 'Users/x', resourceData: { id: ID } };
    const [first] = classifyBatch([item(change)], ctx).candidates;
    const [replay] = classifyBatch([item(change)], ctx).candidates;
    const [deleted] = classifyBatch([item({ ...change, changeType: 'deleted' })], ctx).candidates;
    const [otherSubscription] = classifyBatch([item({ ...change, subscriptionId: TENANT })], ctx).candidates;
    expect(first?.dedupeKey).toBeDefined();
    expect(replay?.dedupeKey).toBe(first?.dedupeKey);
    expect(new Set([first?.dedupeKey, deleted?.dedupeKey, otherSubscription?.dedupeKey]).size).toBe(3);
  });

  it('accepts a missing tenant (clientState authenticates) and organizationId in place of tenantId', () => {
    const lifecycle = { clientState: STATE, subscriptionId: ID, lifecycleEvent: 'missed' };
    expect(classifyBatch([lifecycle], ctx)).toMatchObject({
      lifecycle: [{ lifecycleEvent: 'missed', subscriptionId: ID }],
    });
    expect(classifyBatch([{ ...lifecycle, organizationId: ID }], ctx).forged).toBe('unknown-tenant');
  });

  it('refuses everything when one item is not an object', () => {
    expect(classifyBatch([item({ resource: 'Users/x', resourceData: { id: ID } }), 'x'], ctx)).toMatchObject({
      forged: 'forged-client-state',
      candidates: [],
    });
  });
});
