/**
 * The Graph change-notification route over real HTTP on 127.0.0.1: the validation handshake,
 * clientState authentication, hints that carry ids only, 5xx when hints cannot be
 * persisted and the lifecycle events.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LifecycleNotice } from '../../src/webhook/graph-notifications.js';
import {
  captureLogger,
  CLIENT_STATE,
  ENTRA_SOURCE,
  GRAPH_PATH,
  graphChange,
  graphLifecycle,
  guid,
  postGraph,
  startReceiver,
  type Receiver,
} from '../helpers/webhook.js';

let r: Receiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const validate = (receiver: Receiver, query: string, method = 'POST') =>
  fetch(`${receiver.url(GRAPH_PATH)}?${query}`, { method, headers: { 'content-type': 'text/plain; charset=utf-8' } });

describe('Graph validation handshake', () => {
  it('echoes the URL-decoded token as text/plain with nosniff, for POST and GET', async () => {
    r = await startReceiver();
    const res = await validate(r, 'validationToken=Validation%3A%20Testing%20abc%2Bdef');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('Validation: Testing abc+def');
    const viaGet = await validate(r, 'validationToken=abc%2Bdef', 'GET');
    expect(await viaGet.text()).toBe('abc+def');
    expect(r.sink.calls).toBe(0);
  });

  it('refuses markup, over-length, empty and repeated tokens with 400 and reflects nothing', async () => {
    r = await startReceiver();
    const script = encodeURIComponent('<script>alert(1)</script>');
    for (const query of [
      `validationToken=${script}`,
      `validationToken=${'a'.repeat(1025)}`,
      'validationToken=',
      'validationToken=a&validationToken=b',
      'validationToken=%0d%0aSet-Cookie',
    ]) {
      const res = await validate(r, query);
      expect(res.status, query).toBe(400);
      const body = await res.text();
      expect(body).not.toContain('script');
      expect(body).not.toContain('Set-Cookie');
    }
    expect((await validate(r, `validationToken=${'a'.repeat(1024)}`)).status).toBe(200);
  });

  it('answers validation only on the configured path', async () => {
    r = await startReceiver();
    const res = await fetch(`${r.url('/webhooks/other')}?validationToken=abc`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('abc');
  });
});

describe('Graph notifications', () => {
  it('turns user and group notifications into re-read hints and answers 202 after the sink has them', async () => {
    r = await startReceiver();
    const [user, group] = [guid(), guid()];
    const res = await postGraph(r, [
      graphChange('user', user),
      graphChange('group', group, { changeType: 'deleted' }),
      graphChange('user', guid(), { resourceData: { id: guid() }, resource: 'users/x' }),
    ]);
    expect(res.status).toBe(202);
    expect(r.sink.hints).toHaveLength(3);
    expect(r.sink.hints.slice(0, 2)).toMatchObject([
      { sourceId: ENTRA_SOURCE, kind: 'user', id: user, origin: 'graph' },
      { sourceId: ENTRA_SOURCE, kind: 'group', id: group, origin: 'graph' },
    ]);
    expect(Object.keys(r.sink.hints[0]!).sort()).toEqual(['id', 'kind', 'origin', 'receivedAt', 'sourceId']);
    expect(r.metrics.enqueued.get({ origin: 'graph' })).toBe(3);
  });

  it.each([
    ['a wrong clientState', { clientState: 'x'.repeat(CLIENT_STATE.length) }],
    ['a missing clientState', { clientState: undefined }],
    ['a prefix of the real clientState', { clientState: CLIENT_STATE.slice(0, -1) }],
    ['an over-length clientState', { clientState: CLIENT_STATE + 'x'.repeat(5000) }],
    ['a non-string clientState', { clientState: { value: CLIENT_STATE } }],
    ['another tenant', { tenantId: '99999999-2222-4333-8444-555555555555' }],
  ])('refuses the whole batch with 403 and enqueues nothing for %s', async (_name, forged) => {
    const { logger, text } = captureLogger();
    r = await startReceiver({ logger });
    const res = await postGraph(r, [graphChange('user'), graphChange('group', guid(), forged)]);
    expect(res.status).toBe(403);
    expect(r.sink.calls).toBe(0);
    expect(
      r.metrics.rejected.get({
        origin: 'graph',
        reason: 'tenantId' in forged ? 'unknown-tenant' : 'forged-client-state',
      }),
    ).toBe(1);
    expect(text()).toContain('failed authentication');
    expect(text()).not.toContain(CLIENT_STATE.slice(0, 20));
  });

  it('never fetches the resource URL named in a notification', async () => {
    let hits = 0;
    const canary: Server = createServer((_req, res) => {
      hits += 1;
      res.end();
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    try {
      r = await startReceiver();
      const port = (canary.address() as { port: number }).port;
      const res = await postGraph(r, [
        graphChange('user', guid(), { resource: `http://127.0.0.1:${port}/users/steal` }),
      ]);
      expect(res.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hits).toBe(0);
      expect(r.sink.hints).toHaveLength(1);
    } finally {
      await new Promise((resolve) => canary.close(resolve));
    }
  });

  it('acks authentic items it does not act on, and counts them', async () => {
    r = await startReceiver();
    const res = await postGraph(r, [
      graphChange('user', 'not-a-guid'),
      {
        ...graphChange('user'),
        resource: 'me/messages/1',
        resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: guid() },
      },
    ]);
    expect(res.status).toBe(202);
    expect(r.sink.calls).toBe(0);
    expect(r.metrics.ignored.get({ origin: 'graph' })).toBe(2);
  });

  it('processes a re-delivered notification id once', async () => {
    r = await startReceiver();
    const item = graphChange('user', guid(), { id: 'notification-1' });
    for (let i = 0; i < 4; i += 1) expect((await postGraph(r, [item])).status).toBe(202);
    expect(r.sink.hints).toHaveLength(1);
    expect(r.metrics.deduplicated.get({ origin: 'graph' })).toBe(3);
  });

  it('answers 400 to a body that is not a notification collection, 415 to other media types, 405 to other methods', async () => {
    r = await startReceiver();
    const post = (body: string, type: string, extra: Record<string, string> = {}) =>
      fetch(r!.url(GRAPH_PATH), { method: 'POST', headers: { 'content-type': type, ...extra }, body });
    expect((await post('{"value":', 'application/json')).status).toBe(400);
    expect((await post('{"items":[]}', 'application/json')).status).toBe(400);
    expect((await post(JSON.stringify({ value: [graphChange('user')] }), 'text/plain')).status).toBe(415);
    expect(
      (await post(JSON.stringify({ value: [graphChange('user')] }), 'application/json', { 'content-encoding': 'gzip' }))
        .status,
    ).toBe(415);
    expect((await fetch(r.url(GRAPH_PATH), { method: 'PUT' })).status).toBe(405);
    expect(r.sink.calls).toBe(0);
  });

  it('answers 503 when the sink rejects or is too slow, so Graph retries', async () => {
    r = await startReceiver({ config: { ackTimeoutMs: 300 } });
    r.sink.fail = true;
    expect((await postGraph(r, [graphChange('user')])).status).toBe(503);
    r.sink.fail = false;
    // A sink that never answers until released: only the ack deadline can end the request.
    const release = r.sink.hold();
    expect((await postGraph(r, [graphChange('user')])).status).toBe(503);
    expect(r.sink.hints).toEqual([]);
    release();
    expect(r.metrics.rejected.get({ origin: 'graph', reason: 'sink-unavailable' })).toBe(2);
  });
});

describe('Graph lifecycle notifications', () => {
  it('acks with 202, then renews, recreates or asks for a full sync', async () => {
    const onLifecycle = vi.fn(async (_notice: LifecycleNotice) => undefined);
    const onFullSyncWanted = vi.fn();
    r = await startReceiver({ graph: { onLifecycle, onFullSyncWanted } });
    const [reauth, removed] = [guid(), guid()];
    const res = await postGraph(r, [
      graphLifecycle('reauthorizationRequired', reauth),
      graphLifecycle('subscriptionRemoved', removed),
      graphLifecycle('missed'),
      graphLifecycle('somethingNew'),
    ]);
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(onFullSyncWanted).toHaveBeenCalledTimes(2), { timeout: 10_000 });
    expect(onLifecycle.mock.calls.map(([n]) => n)).toEqual([
      { lifecycleEvent: 'reauthorizationRequired', subscriptionId: reauth },
      { lifecycleEvent: 'subscriptionRemoved', subscriptionId: removed },
    ]);
    expect(onFullSyncWanted.mock.calls.map(([reason]) => reason)).toEqual([
      'graph-subscriptionRemoved',
      'graph-missed',
    ]);
    expect(r.metrics.ignored.get({ origin: 'graph' })).toBe(1);
    expect(r.sink.calls).toBe(0);
  });

  it('refuses a lifecycle notification without the clientState', async () => {
    const onLifecycle = vi.fn(async () => undefined);
    r = await startReceiver({ graph: { onLifecycle } });
    const res = await postGraph(r, [{ ...graphLifecycle('subscriptionRemoved'), clientState: 'guess' }]);
    expect(res.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onLifecycle).not.toHaveBeenCalled();
  });
});
