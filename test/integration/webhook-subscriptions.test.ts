/**
 * Graph subscription upkeep: create when missing, renew well before the
 * 41,760-minute limit, recreate what Graph removed or what cannot be updated, act on lifecycle
 * notifications, and survive clock skew. Plus the default HTTP port against a local server.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { webhookConfigSchema } from '../../src/config/webhook.js';
import { createGraphSubscriptionPort } from '../../src/webhook/graph-port.js';
import {
  GraphSubscriptionError,
  GraphSubscriptionManager,
  type NewGraphSubscription,
} from '../../src/webhook/graph-subscriptions.js';
import { CLIENT_STATE, graphLifecycle, postGraph, startReceiver, type Receiver } from '../helpers/webhook.js';
import { FakeGraphPort } from '../helpers/webhookGraph.js';

const NOTIFY = 'https://hooks.example.com/webhooks/graph';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

function settings(overrides: Record<string, unknown> = {}) {
  const config = webhookConfigSchema.parse({
    graph: {
      sourceId: 'corp-entra',
      clientState: { env: 'X' },
      subscriptions: { notificationUrl: NOTIFY, ...overrides },
    },
  });
  return config.graph!.subscriptions;
}

function manager(port: FakeGraphPort, now: () => number, overrides: Record<string, unknown> = {}) {
  return new GraphSubscriptionManager({
    port,
    settings: settings(overrides),
    clientState: CLIENT_STATE,
    logger: silentLogger(),
    now,
  });
}

describe('GraphSubscriptionManager', () => {
  it('creates one users and one groups subscription when none exist', async () => {
    const port = new FakeGraphPort(() => T0);
    const outcomes = await manager(port, () => T0).ensureSubscriptions();
    expect(outcomes.map((o) => [o.resource, o.action])).toEqual([
      ['users', 'created'],
      ['groups', 'created'],
    ]);
    const created = port.calls.filter((c) => c.op === 'create').map((c) => c.body as NewGraphSubscription);
    expect(created[0]).toEqual({
      resource: '/users',
      changeType: 'updated,deleted',
      notificationUrl: NOTIFY,
      lifecycleNotificationUrl: NOTIFY,
      clientState: CLIENT_STATE,
      expirationDateTime: new Date(T0 + 28 * DAY).toISOString(),
    });
    expect(created[1]?.resource).toBe('/groups');
  });

  it('keeps healthy subscriptions, renews those inside the window, and leaves other apps’ URLs alone', async () => {
    let now = T0;
    const port = new FakeGraphPort(() => now);
    const m = manager(port, () => now);
    await m.ensureSubscriptions();
    const foreign = port.seed({
      resource: '/users',
      notificationUrl: 'https://other.example.com/hook',
      expirationDateTime: new Date(T0 + DAY).toISOString(),
    });
    port.calls.length = 0;
    now = T0 + 13 * DAY;
    expect((await m.ensureSubscriptions()).map((o) => o.action)).toEqual(['kept', 'kept']);
    expect(port.ops()).toEqual(['list']);
    now = T0 + 15 * DAY;
    const renewed = await m.ensureSubscriptions();
    expect(renewed.map((o) => o.action)).toEqual(['renewed', 'renewed']);
    expect(renewed[0]?.expirationDateTime).toBe(new Date(now + 28 * DAY).toISOString());
    expect(port.subscriptions.has(foreign)).toBe(true);
  });

  it('recreates a subscription that vanished before its renewal, and one that expired', async () => {
    let now = T0;
    const port = new FakeGraphPort(() => now);
    const m = manager(port, () => now);
    const [users, groups] = await m.ensureSubscriptions();
    now = T0 + 20 * DAY;
    const vanish = vi.spyOn(port, 'list').mockImplementationOnce(async () => {
      const listed = [...port.subscriptions.values()];
      port.subscriptions.delete(users!.subscriptionId);
      return listed;
    });
    port.subscriptions.get(groups!.subscriptionId)!.expirationDateTime = new Date(now - 1000).toISOString();
    expect((await m.ensureSubscriptions()).map((o) => o.action)).toEqual(['recreated', 'recreated']);
    vanish.mockRestore();
    expect([...port.subscriptions.values()].filter((s) => s.notificationUrl === NOTIFY)).toHaveLength(2);
  });

  it('recreates a subscription without our lifecycle URL, since Graph only takes it at creation', async () => {
    const port = new FakeGraphPort(() => T0);
    const old = port.seed({
      resource: 'Users',
      notificationUrl: NOTIFY,
      lifecycleNotificationUrl: null,
      expirationDateTime: new Date(T0 + 27 * DAY).toISOString(),
    });
    const [outcome] = await manager(port, () => T0, { resources: ['users'] }).ensureSubscriptions();
    expect(outcome).toMatchObject({ resource: 'users', action: 'recreated' });
    expect(port.subscriptions.has(old)).toBe(false);
    expect(port.ops()).toEqual(['list', 'delete', 'create']);
  });

  it('deletes duplicate subscriptions, keeping the one that lasts longest', async () => {
    const port = new FakeGraphPort(() => T0);
    const short = port.seed({
      resource: '/groups',
      notificationUrl: NOTIFY,
      expirationDateTime: new Date(T0 + 20 * DAY).toISOString(),
    });
    const long = port.seed({
      resource: '/groups',
      notificationUrl: NOTIFY,
      expirationDateTime: new Date(T0 + 25 * DAY).toISOString(),
    });
    const [outcome] = await manager(port, () => T0, { resources: ['groups'] }).ensureSubscriptions();
    expect(outcome).toMatchObject({ action: 'kept', subscriptionId: long, removed: [short] });
  });

  it('stays under the limit with a clock 12 hours ahead of Graph’s, and shows the skew without the margin', async () => {
    const graphNow = () => T0;
    const ahead = () => T0 + 12 * 3_600_000;
    const port = new FakeGraphPort(graphNow);
    await expect(manager(port, ahead).ensureSubscriptions()).resolves.toHaveLength(2);
    await expect(
      manager(new FakeGraphPort(graphNow), ahead, { lifetimeMinutes: 41_760 }).ensureSubscriptions(),
    ).rejects.toThrow('41760 minutes');
  });

  it('renews on reauthorizationRequired and recreates on subscriptionRemoved', async () => {
    const port = new FakeGraphPort(() => T0);
    const m = manager(port, () => T0);
    const [users] = await m.ensureSubscriptions();
    port.calls.length = 0;
    await m.handleLifecycle({ lifecycleEvent: 'reauthorizationRequired', subscriptionId: users!.subscriptionId });
    expect(port.calls.map((c) => [c.op, c.id])).toEqual([['renew', users!.subscriptionId]]);
    port.subscriptions.delete(users!.subscriptionId);
    port.calls.length = 0;
    await m.handleLifecycle({ lifecycleEvent: 'subscriptionRemoved', subscriptionId: users!.subscriptionId });
    expect(port.ops()).toEqual(['list', 'create']);
    port.calls.length = 0;
    await m.handleLifecycle({
      lifecycleEvent: 'reauthorizationRequired',
      subscriptionId: '00000000-0000-4000-8000-000000000000',
    });
    expect(port.ops()).toEqual(['renew', 'list']);
  });

  it('runs concurrent ensures one after the other, so no twins are created', async () => {
    const port = new FakeGraphPort(() => T0);
    const m = manager(port, () => T0);
    await Promise.all([
      m.ensureSubscriptions(),
      m.ensureSubscriptions(),
      m.handleLifecycle({
        lifecycleEvent: 'subscriptionRemoved',
        subscriptionId: '00000000-0000-4000-8000-000000000000',
      }),
    ]);
    expect(port.subscriptions.size).toBe(2);
  });
});

describe('lifecycle notifications reach the manager', () => {
  let r: Receiver | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  it('renews the named subscription after acking a reauthorizationRequired notification', async () => {
    const port = new FakeGraphPort(() => T0);
    const m = manager(port, () => T0);
    const [users] = await m.ensureSubscriptions();
    port.calls.length = 0;
    r = await startReceiver({ graph: { onLifecycle: (notice) => m.handleLifecycle(notice) } });
    expect((await postGraph(r, [graphLifecycle('reauthorizationRequired', users!.subscriptionId)])).status).toBe(202);
    await vi.waitFor(() => expect(port.calls.map((c) => [c.op, c.id])).toEqual([['renew', users!.subscriptionId]]), {
      timeout: 10_000,
    });
  });
});

describe('the default Graph subscription port', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  interface Seen {
    method: string;
    url: string;
    auth: string | undefined;
    body: string;
  }

  async function fakeGraph(
    handle: (
      req: IncomingMessage,
      body: string,
    ) => { status: number; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ base: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        const out = handle(req, body);
        res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
        res.end(out.body === undefined ? '' : JSON.stringify(out.body));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1.0`, seen };
  }

  it('lists across same-origin pages, creates, renews and deletes with the bearer token', async () => {
    const sub = {
      id: '3b1c9a44-1d2e-4f50-8a6b-7c8d9e0f1a2b',
      resource: '/users',
      changeType: 'updated,deleted',
      notificationUrl: NOTIFY,
      expirationDateTime: '2026-03-29T00:00:00Z',
    };
    const { base, seen } = await fakeGraph((req) => {
      if (req.method === 'GET' && req.url === '/v1.0/subscriptions')
        return { status: 200, body: { value: [sub], '@odata.nextLink': `${base}/subscriptions?$skiptoken=2` } };
      if (req.method === 'GET')
        return {
          status: 200,
          body: {
            value: [{ ...sub, id: 'b' }],
            '@odata.nextLink': 'https://elsewhere.example.com/v1.0/subscriptions?$skiptoken=3',
          },
        };
      if (req.method === 'POST') return { status: 201, body: sub };
      if (req.method === 'PATCH') return { status: 200, body: sub };
      return { status: 204 };
    });
    const port = createGraphSubscriptionPort({ graphBaseUrl: base, getToken: async () => 'token-1' });
    expect((await port.list()).map((s) => s.id)).toEqual([sub.id, 'b']);
    await port.create({
      resource: '/users',
      changeType: 'updated,deleted',
      notificationUrl: NOTIFY,
      lifecycleNotificationUrl: NOTIFY,
      expirationDateTime: sub.expirationDateTime,
      clientState: CLIENT_STATE,
    });
    await port.renew(sub.id, '2026-04-01T00:00:00.000Z');
    await port.delete(sub.id);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /v1.0/subscriptions',
      'GET /v1.0/subscriptions?$skiptoken=2',
      'POST /v1.0/subscriptions',
      `PATCH /v1.0/subscriptions/${sub.id}`,
      `DELETE /v1.0/subscriptions/${sub.id}`,
    ]);
    expect(seen.every((s) => s.auth === 'Bearer token-1')).toBe(true);
    expect(JSON.parse(seen[2]!.body)).toMatchObject({ clientState: CLIENT_STATE, changeType: 'updated,deleted' });
    expect(JSON.parse(seen[3]!.body)).toEqual({ expirationDateTime: '2026-04-01T00:00:00.000Z' });
  });

  it('reports Graph errors with status and code but without the clientState, and refuses redirects', async () => {
    const { base } = await fakeGraph((req) =>
      req.method === 'POST'
        ? {
            status: 400,
            body: { error: { code: 'ValidationError', message: 'Subscription validation request failed.' } },
          }
        : { status: 302, headers: { location: 'https://elsewhere.example.com/steal' } },
    );
    const port = createGraphSubscriptionPort({ graphBaseUrl: base, getToken: async () => 'token-1' });
    const created = port.create({
      resource: '/users',
      changeType: 'updated,deleted',
      notificationUrl: NOTIFY,
      lifecycleNotificationUrl: NOTIFY,
      expirationDateTime: '2026-03-29T00:00:00Z',
      clientState: CLIENT_STATE,
    });
    const error = await created.catch((err: unknown) => err as GraphSubscriptionError);
    expect(error).toBeInstanceOf(GraphSubscriptionError);
    expect(error).toMatchObject({
      status: 400,
      message: 'POST /subscriptions (/users): HTTP 400: ValidationError: Subscription validation request failed.',
    });
    expect(JSON.stringify(error)).not.toContain(CLIENT_STATE);
    await expect(port.list()).rejects.toThrow('GET /subscriptions: request failed');
    await expect(port.delete('../admin')).rejects.toThrow('subscription id is not an id');
  });
});
