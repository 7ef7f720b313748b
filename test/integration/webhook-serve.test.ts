/**
 * `runServeCommand` end to end on 127.0.0.1: secrets resolved from the environment, the Redis
 * dedupe under a unique key prefix on 127.0.0.1:6379, subscriptions ensured through a fake Graph
 * port, a graceful stop that finishes the request in flight, and canary secrets absent from the logs.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runServeCommand, runSubscriptionsEnsure } from '../../src/cli/serve-command.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { webhookConfigSchema } from '../../src/config/webhook.js';
import { MemoryDedupe } from '../../src/webhook/dedupe.js';
import {
  captureLogger,
  CLIENT_STATE,
  ENTRA_SOURCE,
  GRAPH_PATH,
  graphChange,
  MemorySink,
  OKTA_PATH,
  OKTA_SECRET,
  OKTA_SOURCE,
  oktaBody,
  oktaEvent,
  oktaUser,
  TENANT_ID,
} from '../helpers/webhook.js';
import { FakeGraphPort } from '../helpers/webhookGraph.js';

const prefix = `icsync-test-serve-${randomUUID().slice(0, 8)}`;
const ENV = { GRAPH_CLIENT_STATE: CLIENT_STATE, OKTA_HOOK_SECRET: OKTA_SECRET };

function config(): Config {
  return parseConfig({
    sources: [
      { type: 'file', id: 'corp-file', path: '/unused.json' },
      {
        type: 'entra',
        id: ENTRA_SOURCE,
        tenantId: TENANT_ID,
        clientId: randomUUID(),
        credential: { clientSecret: { env: 'ENTRA_SECRET' } },
      },
      {
        type: 'okta',
        id: OKTA_SOURCE,
        orgUrl: 'https://acme.okta.com',
        auth: { apiToken: { env: 'OKTA_TOKEN' } },
        scope: { type: 'groups', ids: ['00g1'] },
      },
    ],
    target: { baseUrl: 'http://127.0.0.1:1/scim/v2/', token: { env: 'UNUSED' }, allowLocalEmulator: true },
    redis: { url: 'redis://127.0.0.1:6379', keyPrefix: prefix },
  });
}

function serveConfig(graph: Record<string, unknown> = {}, port = 0) {
  return webhookConfigSchema.parse({
    port,
    host: '127.0.0.1',
    graph: {
      sourceId: ENTRA_SOURCE,
      clientState: { env: 'GRAPH_CLIENT_STATE' },
      subscriptions: { notificationUrl: 'https://hooks.example.com/webhooks/graph' },
      ...graph,
    },
    okta: { sourceId: OKTA_SOURCE, secret: { env: 'OKTA_HOOK_SECRET' } },
  });
}

afterAll(async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('icsync serve', () => {
  it('serves both routes with the Redis dedupe, ensures subscriptions, and stops after the request in flight', async () => {
    const sink = new MemorySink();
    const port = new FakeGraphPort();
    const { logger, text } = captureLogger();
    const stop = new AbortController();
    let listening!: (a: { port: number }) => void;
    const address = new Promise<{ port: number }>((resolve) => (listening = resolve));
    const exit = runServeCommand(config(), serveConfig(), ENV, stop.signal, {
      sink,
      subscriptionPort: port,
      logger,
      onListening: listening,
    });
    const base = `http://127.0.0.1:${(await address).port}`;

    await vi.waitFor(() => expect(port.subscriptions.size).toBe(2), { timeout: 10_000 });
    // Ready once its Redis connection is up, which may come after the port opens: wait for it, as a probe would.
    await vi.waitFor(async () => expect((await fetch(`${base}/readyz`)).status).toBe(200), {
      timeout: 10_000,
      interval: 50,
    });
    const ours = { subscriptionId: [...port.subscriptions.keys()][0]! };
    const graph = await fetch(`${base}${GRAPH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [graphChange('user', undefined, ours)] }),
    });
    expect(graph.status).toBe(202);
    // The right clientState on a subscription this deployment does not keep is still refused.
    const foreign = await fetch(`${base}${GRAPH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [graphChange('user')] }),
    });
    expect(foreign.status).toBe(403);
    const body = oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)])]);
    for (let i = 0; i < 3; i += 1) {
      expect(
        (
          await fetch(`${base}${OKTA_PATH}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: OKTA_SECRET },
            body,
          })
        ).status,
      ).toBe(200);
    }
    expect(sink.keys().map((k) => k.split(':').slice(0, 2).join(':'))).toEqual(['graph:user', 'okta:user']);

    sink.delayMs = 300;
    const inFlight = fetch(`${base}${GRAPH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [graphChange('group', undefined, ours)] }),
    });
    const received = sink.calls;
    await vi.waitFor(() => expect(sink.calls).toBe(received + 1), { timeout: 10_000 });
    stop.abort();
    expect((await inFlight).status).toBe(202);
    expect(await exit).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const logs = text();
    expect(logs).toContain('serve stopped');
    expect(logs).not.toContain(CLIENT_STATE);
    expect(logs).not.toContain(OKTA_SECRET);
  });

  it('opens its port when no caller asks to be told about it (as `icsync serve` is wired)', async () => {
    const { logger, text } = captureLogger();
    const stop = new AbortController();
    const exit = runServeCommand(config(), serveConfig({ enabled: false }), ENV, stop.signal, {
      sink: new MemorySink(),
      dedupe: new MemoryDedupe(),
      logger,
    });
    const listening = await vi.waitFor(
      () => {
        const line = text()
          .split('\n')
          .find((l) => l.includes('webhook server listening'));
        if (line === undefined) throw new Error('not listening yet');
        return JSON.parse(line) as { port: number };
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await fetch(`http://127.0.0.1:${listening.port}/healthz`)).status).toBe(200);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('refuses a clientState outside Graph’s 32–128 characters and a sourceId that names no Entra source', async () => {
    const deps = { sink: new MemorySink(), dedupe: new MemoryDedupe(), subscriptionPort: new FakeGraphPort() };
    await expect(
      runServeCommand(config(), serveConfig(), { ...ENV, GRAPH_CLIENT_STATE: 'short' }, undefined, deps),
    ).rejects.toThrow(ConfigError);
    await expect(
      runServeCommand(config(), serveConfig({ sourceId: 'corp-file' }), ENV, undefined, deps),
    ).rejects.toThrow('no entra source with id "corp-file"');
  });

  it('ensures subscriptions once for `icsync subscriptions ensure`', async () => {
    const lines: string[] = [];
    const port = new FakeGraphPort();
    expect(
      await runSubscriptionsEnsure(config(), serveConfig(), ENV, (l) => lines.push(l), {
        subscriptionPort: port,
        logger: captureLogger().logger,
      }),
    ).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^users: created subscription [0-9a-f-]{36}, expires \d{4}-/);
    expect(lines[1]).toMatch(/^groups: created subscription/);
  });
});
