/**
 * The Okta event-hook route over real HTTP on 127.0.0.1: the verification challenge and the shared
 * secret on every request, replays processed once and order not mattering, 5xx rather
 * than 4xx when hints cannot be persisted, and nothing secret in the logs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedis } from '../../src/queue/connection.js';
import { RedisDedupe } from '../../src/webhook/dedupe.js';
import {
  captureLogger,
  OKTA_PATH,
  OKTA_SECRET,
  OKTA_SOURCE,
  oktaBody,
  oktaEvent,
  oktaGroup,
  oktaUser,
  postOkta,
  startReceiver,
  type Receiver,
} from '../helpers/webhook.js';

let r: Receiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const FORGED_SECRETS: [string, string | null][] = [
  ['no header', null],
  ['an empty value', ''],
  ['a wrong value of the same length', 'x'.repeat(OKTA_SECRET.length)],
  ['a prefix of the real secret', OKTA_SECRET.slice(0, -1)],
  ['the real secret plus more', `${OKTA_SECRET}x`],
  ['a much longer value', OKTA_SECRET.repeat(50)],
  ['the real secret as a Bearer token', `Bearer ${OKTA_SECRET}`],
];

const challenge = (receiver: Receiver, value: string, secret: string | null) =>
  fetch(receiver.url(OKTA_PATH), {
    headers: { 'x-okta-verification-challenge': value, ...(secret === null ? {} : { authorization: secret }) },
  });

describe('Okta verification challenge', () => {
  it('echoes the challenge as JSON when the secret is right', async () => {
    r = await startReceiver();
    const res = await challenge(r, 'zXZtD1ykZH3EbmyJv0bH6Ke9LTy9Zb1pQY5nW6Qn', OKTA_SECRET);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ verification: 'zXZtD1ykZH3EbmyJv0bH6Ke9LTy9Zb1pQY5nW6Qn' });
  });

  it('asks for a full sync and logs a relevant event whose target is null (https://developer.okta.com/docs/guides/event-hook-implementation/nodejs/main/)', async () => {
    const onOktaFullSyncWanted = vi.fn();
    const { logger, text } = captureLogger();
    r = await startReceiver({ onOktaFullSyncWanted, logger });
    const res = await postOkta(r, oktaBody([oktaEvent('group.user_membership.add', [], { target: null })]));
    expect(res.status).toBe(200);
    expect(onOktaFullSyncWanted).toHaveBeenCalledWith('okta-event-without-target');
    expect(r.metrics.fullSyncRequested.get({ origin: 'okta', reason: 'event-without-target' })).toBe(1);
    expect(text()).toMatch(/without a target/);
    expect(r.sink.hints).toEqual([]);
  });

  it.each(FORGED_SECRETS)('answers 401 without echoing for %s', async (_name, secret) => {
    r = await startReceiver();
    const res = await challenge(r, 'challenge-value-123', secret);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('challenge-value-123');
  });

  it('refuses a challenge with markup or without a value', async () => {
    r = await startReceiver();
    expect((await challenge(r, '<img src=x onerror=alert(1)>', OKTA_SECRET)).status).toBe(400);
    expect((await fetch(r.url(OKTA_PATH), { headers: { authorization: OKTA_SECRET } })).status).toBe(400);
  });
});

describe('Okta events', () => {
  it('turns relevant events into hints for their User and UserGroup targets and answers 200 with an empty body', async () => {
    r = await startReceiver();
    const body = oktaBody([
      oktaEvent('user.account.update_profile', [oktaUser(1)]),
      oktaEvent('group.user_membership.add', [oktaUser(2), oktaGroup(1)]),
      oktaEvent('application.user_membership.add', [
        { id: '0oa1', type: 'AppInstance' },
        { id: '0ua1', type: 'AppUser' },
        oktaUser(3),
      ]),
      oktaEvent('user.session.start', [oktaUser(4)]),
      oktaEvent('user.lifecycle.deactivate', [{ id: '../../admin', type: 'User' }]),
    ]);
    const res = await postOkta(r, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(r.sink.keys()).toEqual([
      'okta:group:00g00000000000000001',
      'okta:user:00u00000000000000001',
      'okta:user:00u00000000000000002',
      'okta:user:00u00000000000000003',
    ]);
    expect(r.sink.hints.every((h) => h.sourceId === OKTA_SOURCE && h.origin === 'okta')).toBe(true);
    expect(r.metrics.received.get({ origin: 'okta' })).toBe(5);
    expect(r.metrics.ignored.get({ origin: 'okta' })).toBe(2);
  });

  it.each(FORGED_SECRETS)('answers 401 and enqueues nothing for %s', async (_name, secret) => {
    r = await startReceiver();
    const res = await postOkta(r, oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)])]), secret);
    expect(res.status).toBe(401);
    expect(r.sink.calls).toBe(0);
    expect(r.metrics.rejected.get({ origin: 'okta', reason: 'unauthorized' })).toBe(1);
  });

  it('reads the secret from a custom header when the hook is set up that way', async () => {
    r = await startReceiver({
      config: { okta: { sourceId: OKTA_SOURCE, secret: { env: 'UNUSED' }, header: 'X-Icsync-Hook-Secret' } },
    });
    const body = oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)])]);
    expect((await postOkta(r, body)).status).toBe(401);
    expect((await postOkta(r, body, null, { 'x-icsync-hook-secret': OKTA_SECRET })).status).toBe(200);
  });

  it('processes an event replayed 10 times once, sequentially and concurrently', async () => {
    r = await startReceiver();
    const body = oktaBody([oktaEvent('group.user_membership.remove', [oktaUser(7), oktaGroup(7)])]);
    for (let i = 0; i < 10; i += 1) expect((await postOkta(r, body)).status).toBe(200);
    const concurrent = oktaBody([oktaEvent('user.lifecycle.suspend', [oktaUser(8)])]);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => postOkta(r!, concurrent).then((res) => res.status)),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(r.sink.keys()).toEqual([
      'okta:group:00g00000000000000007',
      'okta:user:00u00000000000000007',
      'okta:user:00u00000000000000008',
    ]);
    expect(r.metrics.deduplicated.get({ origin: 'okta' })).toBe(18 + 9);
  });

  it('enqueues a re-read per object whatever order the events arrive in', async () => {
    r = await startReceiver();
    const older = oktaEvent('user.account.update_profile', [oktaUser(1)], { published: '2026-01-01T10:00:00.000Z' });
    const newer = oktaEvent('user.lifecycle.deactivate', [oktaUser(1)], { published: '2026-01-01T10:05:00.000Z' });
    const other = oktaEvent('group.profile.update', [oktaGroup(2)], { published: '2026-01-01T09:00:00.000Z' });
    expect((await postOkta(r, oktaBody([newer, other]))).status).toBe(200);
    expect((await postOkta(r, oktaBody([older]))).status).toBe(200);
    // Hints hold no attribute values, so the older event cannot roll the newer state back: both only ask for a re-read.
    expect(r.sink.keys()).toEqual([
      'okta:group:00g00000000000000002',
      'okta:user:00u00000000000000001',
      'okta:user:00u00000000000000001',
    ]);
  });

  it('answers 503 when the sink rejects, and accepts the retry of the same delivery', async () => {
    r = await startReceiver();
    const body = oktaBody([oktaEvent('user.lifecycle.activate', [oktaUser(9)])]);
    r.sink.fail = true;
    const failed = await postOkta(r, body);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    r.sink.fail = false;
    expect((await postOkta(r, body)).status).toBe(200);
    expect(r.sink.keys()).toEqual(['okta:user:00u00000000000000009']);
  });

  it('does not lose events when the dedupe store is down (fails open)', async () => {
    const redis = createRedis(
      { url: 'redis://127.0.0.1:1', keyPrefix: 'icsync-test', allowUnverifiedEviction: false },
      undefined,
      'producer',
    );
    try {
      r = await startReceiver({ dedupe: new RedisDedupe(redis, 'icsync-test') });
      expect((await postOkta(r, oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(5)])]))).status).toBe(200);
      expect(r.sink.keys()).toEqual(['okta:user:00u00000000000000005']);
    } finally {
      redis.disconnect();
    }
  });

  it('answers 415 to other media types and 400 to a body without data.events', async () => {
    r = await startReceiver();
    const body = oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)])]);
    expect((await postOkta(r, body, OKTA_SECRET, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await postOkta(r, '{"data":{}}')).status).toBe(400);
    expect((await postOkta(r, 'not json')).status).toBe(400);
    expect((await fetch(r.url(OKTA_PATH), { method: 'DELETE', headers: { authorization: OKTA_SECRET } })).status).toBe(
      405,
    );
    expect(r.sink.calls).toBe(0);
  });

  it('logs counts and reasons, never the secret, the offered value or the payload', async () => {
    const { logger, text } = captureLogger();
    r = await startReceiver({ logger });
    await postOkta(
      r,
      oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)], { displayMessage: 'payload-canary-1' })]),
      'offered-canary-value',
    );
    await postOkta(
      r,
      oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)], { displayMessage: 'payload-canary-2' })]),
    );
    await postOkta(r, oktaBody([oktaEvent('payload.canary.type', [oktaUser(2)])]));
    const logs = text();
    expect(logs).toContain('refused a request without the event hook secret');
    expect(logs).toContain('events accepted');
    for (const canary of [
      OKTA_SECRET,
      'offered-canary-value',
      'payload-canary-1',
      'payload-canary-2',
      '00u00000000000000001',
    ])
      expect(logs).not.toContain(canary);
    // The one sender-controlled value that is logged sits under `untrusted`.
    expect(logs).toContain('"untrusted":{"ignoredEventTypes":["payload.canary.type"]}');
  });
});
