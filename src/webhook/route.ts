import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, TEXT } from './http.js';
import type { IngestDeps } from './ingest.js';
import type { RejectReason } from './metrics.js';

/** What every webhook route gets from the server. */
export interface RouteContext extends IngestDeps {
  bodyLimitBytes: number;
}

/**
 * Handles one request on a webhook path. `deadline` (epoch ms) is when the ack budget runs out;
 * errors the route does not answer itself (body too large, sink down) are mapped by the server.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL, deadline: number) => Promise<void>;

/** The parsed body, or undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Answers a refused request with an empty body and counts it under the route's origin and the reason. */
export function refuseFor(origin: string) {
  return (
    ctx: RouteContext,
    res: ServerResponse,
    status: number,
    reason: RejectReason,
    headers: Record<string, string> = {},
  ): void => {
    ctx.metrics.rejected.inc({ origin, reason });
    reply(res, status, '', TEXT, headers);
  };
}
