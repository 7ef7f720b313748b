/**
 * With `serve.metricsPort`, Prometheus scrapes a port of their own: the public port that Graph and
 * Okta reach (and anyone on the internet behind the Ingress) no longer answers /metrics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webhookConfig, startReceiver, type Receiver } from '../helpers/webhook.js';

let r: Receiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('metrics on their own port', () => {
  it('serves /metrics on metricsPort only; probes stay on the public port', async () => {
    r = await startReceiver({ config: { metricsPort: 0 }, lastFullSync: () => 1_767_225_600 });
    expect((await fetch(r.url('/metrics'))).status).toBe(404);
    expect((await fetch(r.url('/healthz'))).status).toBe(200);
    const metricsPort = r.server.metricsAddress?.port;
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(Number(new URL(r.base).port));
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('icsync_last_successful_full_sync_timestamp_seconds 1767225600');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/webhooks/okta`, { method: 'POST' })).status).toBe(404);
  });

  it('without metricsPort, /metrics stays on the public port', async () => {
    r = await startReceiver();
    expect((await fetch(r.url('/metrics'))).status).toBe(200);
    expect(r.server.metricsAddress).toBeUndefined();
  });

  it('refuses a metricsPort equal to the public port', () => {
    expect(() => webhookConfig({ port: 9000, metricsPort: 9000 })).toThrow(/must differ from port/);
  });
});
