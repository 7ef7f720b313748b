import { describe, expect, it } from 'vitest';
import { classifyEvents, eventItems, isRelevantEventType } from './okta-events.js';

describe('Okta event classification', () => {
  it.each([
    ['user.lifecycle.create', true],
    ['user.lifecycle.delete.initiated', true],
    ['user.account.update_profile', true],
    ['group.user_membership.add', true],
    ['group.profile.update', true],
    ['application.user_membership.remove', true],
    ['group.application_assignment.add', true],
    ['user.session.start', false],
    ['user.authentication.sso', false],
    ['user.lifecycle', false],
  ])('%s is relevant: %s', (type, relevant) => {
    expect(isRelevantEventType(type)).toBe(relevant);
  });

  it('keeps User and UserGroup targets with Okta ids, keyed by the event uuid', () => {
    const events = [
      {
        uuid: 'A1B2-c3',
        eventType: 'group.user_membership.add',
        target: [
          { id: '00u1', type: 'User' },
          { id: '00g1', type: 'UserGroup' },
          { id: '0oa1', type: 'AppInstance' },
        ],
      },
      { uuid: 'x y', eventType: 'user.lifecycle.create', target: [{ id: '00u2', type: 'User' }] },
      {
        uuid: 'e3',
        eventType: 'user.lifecycle.create',
        target: [
          { id: '00u/../x', type: 'User' },
          { id: 7, type: 'User' },
        ],
      },
      { uuid: 'e4', eventType: 'user.lifecycle.create', target: 'User' },
      'not an event',
    ];
    const out = classifyEvents(events, 'corp-okta');
    expect(out.candidates).toEqual([
      { hint: { sourceId: 'corp-okta', kind: 'user', id: '00u1', origin: 'okta' }, dedupeKey: 'okta:a1b2-c3' },
      { hint: { sourceId: 'corp-okta', kind: 'group', id: '00g1', origin: 'okta' }, dedupeKey: 'okta:a1b2-c3' },
    ]);
    expect(out).toMatchObject({
      received: 5,
      ignored: 4,
      ignoredTypes: ['user.lifecycle.create', '(none)'],
      withoutTarget: 0,
    });
  });

  it("counts relevant events whose target is null, as in Okta's published group.user_membership.add delivery, instead of dropping them", () => {
    const events = [
      { uuid: 'n1', eventType: 'group.user_membership.add', target: null },
      { uuid: 'n2', eventType: 'user.lifecycle.create' },
      { uuid: 'n3', eventType: 'user.session.start', target: null },
    ];
    expect(classifyEvents(events, 'corp-okta')).toMatchObject({ candidates: [], withoutTarget: 2, ignored: 1 });
  });

  it('finds data.events only in an event-hook body', () => {
    expect(eventItems({ data: { events: [1] } })).toEqual([1]);
    expect(eventItems({ data: { events: {} } })).toBeUndefined();
    expect(eventItems({ events: [] })).toBeUndefined();
    expect(eventItems(null)).toBeUndefined();
  });
});
