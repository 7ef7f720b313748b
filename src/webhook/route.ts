import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestDeps } from './ingest.js';

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
