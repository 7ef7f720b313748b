import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GET endpoint: its status code and text body. */
export type OpsHandler = () => Promise<{ status: number; body: string; contentType?: string }>;

export interface OpsServer {
  listen(): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A listener for operations endpoints only (probes, Prometheus scrapes), kept off any public port
 * so a scraper or the kubelet never shares a port, or a NetworkPolicy rule, with untrusted senders.
 * GET and HEAD only; no request body is read.
 */
export function createOpsServer(host: string, port: number, routes: Readonly<Record<string, OpsHandler>>): OpsServer {
  const server: Server = createServer({ requestTimeout: 5000, headersTimeout: 5000 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const handler = Object.hasOwn(routes, path) ? routes[path] : undefined;
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (handler === undefined) return send(404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, '', { Allow: 'GET, HEAD' });
    handler().then(
      (r) => send(r.status, r.body, r.contentType ? { 'Content-Type': r.contentType } : {}),
      () => send(500, 'error\n'),
    );
  });
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const bound = server.address() as AddressInfo;
          resolve({ host: bound.address, port: bound.port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
