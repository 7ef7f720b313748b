/**
 * The receiver's HTTP envelope: health, readiness and metrics endpoints, body limits enforced while
 * streaming, header timeouts against slow clients, routing, and a graceful close.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  GRAPH_PATH,
  graphChange,
  OKTA_PATH,
  OKTA_SECRET,
  oktaBody,
  oktaEvent,
  oktaUser,
  postGraph,
  postOkta,
  startReceiver,
  type Receiver,
} from '../helpers/webhook.js';

let r: Receiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('operations endpoints', () => {
  it('serves /healthz always and /readyz only while the sink backend is reachable', async () => {
    let ready = true;
    r = await startReceiver({ readiness: async () => ready });
    expect((await fetch(r.url('/healthz'))).status).toBe(200);
    expect((await fetch(r.url('/readyz'))).status).toBe(200);
    ready = false;
    expect((await fetch(r.url('/readyz'))).status).toBe(503);
    expect((await fetch(r.url('/healthz'))).status).toBe(200);
  });

  it('reports not ready when the readiness check hangs', async () => {
    r = await startReceiver({ readiness: () => new Promise(() => undefined) });
    expect((await fetch(r.url('/readyz'))).status).toBe(503);
  });

  it('exposes Prometheus counters by origin and reason, the ack histogram and the last full sync', async () => {
    r = await startReceiver({ lastFullSync: () => 1_767_225_600 });
    await postGraph(r, [graphChange('user'), graphChange('group')]);
    await postGraph(r, [{ ...graphChange('user'), clientState: 'forged' }]);
    await postOkta(
      r,
      oktaBody([oktaEvent('user.lifecycle.create', [oktaUser(1)]), oktaEvent('user.session.start', [oktaUser(2)])]),
    );
    const res = await fetch(r.url('/metrics'));
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('icsync_webhook_notifications_received_total{origin="graph"} 2');
    expect(text).toContain('icsync_webhook_hints_enqueued_total{origin="graph"} 2');
    expect(text).toContain('icsync_webhook_hints_enqueued_total{origin="okta"} 1');
    expect(text).toContain('icsync_webhook_rejected_total{origin="graph",reason="forged-client-state"} 1');
    expect(text).toContain('icsync_webhook_ignored_total{origin="okta"} 1');
    expect(text).toContain('icsync_webhook_ack_seconds_count{origin="graph"} 2');
    expect(text).toMatch(/icsync_webhook_ack_seconds_bucket\{origin="okta",le="\+Inf"\} 1/);
    expect(text).toContain('icsync_last_successful_full_sync_timestamp_seconds 1767225600');
  });

  it('answers 404 to unknown paths and 405 to other methods on the operations endpoints', async () => {
    r = await startReceiver();
    expect((await fetch(r.url('/'))).status).toBe(404);
    expect((await fetch(r.url('/webhooks/graph/extra'))).status).toBe(404);
    const res = await fetch(r.url('/healthz'), { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('does not serve a disabled route', async () => {
    r = await startReceiver({ config: { okta: { enabled: false, sourceId: 'corp-okta', secret: { env: 'UNUSED' } } } });
    expect((await postOkta(r, oktaBody([]))).status).toBe(404);
    expect((await postGraph(r, [graphChange('user')])).status).toBe(202);
  });
});

/** Streams `total` bytes in 64 KiB chunks until the server answers; resolves with the status and what was written by then. */
function streamBody(
  url: string,
  path: string,
  total: number,
  headers: Record<string, string>,
): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    let answered = false;
    const req = request(
      `${url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, written });
        req.destroy();
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('request limits', () => {
  it('answers 413 to a declared Content-Length over the limit, on both routes', async () => {
    r = await startReceiver();
    const body = JSON.stringify({ value: [graphChange('user')], pad: 'x'.repeat(300 * 1024) });
    expect(
      (await fetch(r.url(GRAPH_PATH), { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
        .status,
    ).toBe(413);
    expect((await postOkta(r, body)).status).toBe(413);
    expect(r.sink.calls).toBe(0);
    expect(r.metrics.rejected.get({ origin: 'graph', reason: 'body-too-large' })).toBe(1);
  });

  it('answers 413 to a chunked body while it is still streaming, long before it ends', async () => {
    r = await startReceiver();
    const total = 64 * 1024 * 1024;
    const graph = await streamBody(r.base, GRAPH_PATH, total, {});
    expect(graph.status).toBe(413);
    expect(graph.written).toBeLessThan(total / 2);
    const okta = await streamBody(r.base, OKTA_PATH, total, { authorization: OKTA_SECRET });
    expect(okta.status).toBe(413);
    expect(r.sink.calls).toBe(0);
  });

  it('closes a connection whose headers never finish (slow loris)', async () => {
    r = await startReceiver({ config: { headersTimeoutMs: 1000, requestTimeoutMs: 1500 } });
    const socket = connect(Number(new URL(r.base).port), '127.0.0.1');
    socket.write(`POST ${GRAPH_PATH} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('shutdown', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    r = await startReceiver();
    r.sink.delayMs = 300;
    const inFlight = postGraph(r, [graphChange('user')]);
    await vi.waitFor(() => expect(r?.sink.calls).toBe(1), { timeout: 10_000 });
    const closing = r.close();
    expect((await inFlight).status).toBe(202);
    await closing;
    await expect(fetch(r.url('/healthz'))).rejects.toThrow();
    expect(r.sink.hints).toHaveLength(1);
    r = undefined;
  });
});
