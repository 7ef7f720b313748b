import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DETAIL_TENANT_MISSING, ScimError, defaultDetail, errorBody, invalid } from './errors.js';
import type { FaultPlan } from './faults.js';
import { retryAfterHeader, type TokenBucket } from './rate-limit.js';
import type { RequestRecorder } from './request-log.js';
import type { RouteResult } from './route-context.js';
import { dispatch, routeKey } from './routes.js';
import type { DirectoryStore } from './store.js';
import type { EmulatorOptions, FaultRule, RequestLogEntry } from './types.js';

/** Everything one request can see or change; `options` and `bucket` may be swapped by `setOptions`. */
export interface EmulatorState {
  options: EmulatorOptions;
  store: DirectoryStore;
  recorder: RequestRecorder;
  faults: FaultPlan;
  bucket: TokenBucket | null;
}

/** Big enough for a 100-member PATCH many times over; the real limit is not documented. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  entry: RequestLogEntry;
  relativePath: string | undefined;
  url: URL;
}

export function createRequestHandler(state: EmulatorState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(state, req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  };
}

/** The path after `/<tenant>/scim/v2`, '' for the base itself, undefined for anything outside it. */
function relativeTo(options: EmulatorOptions, pathname: string): string | undefined {
  const base = `/${options.tenantId}/scim/v2`;
  if (pathname === base) return '';
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : undefined;
}

/**
 * The order is: injected faults, then the rate limit, then auth, then the route. Faults come first so a test
 * gets exactly the fault it asked for; a fault answer takes no rate-limit token.
 */
async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const relativePath = relativeTo(state.options, url.pathname);
  const userAgent = req.headers['user-agent'] || undefined;
  const entry = state.recorder.begin({
    method,
    path: relativePath ?? url.pathname,
    query: url.search.slice(1),
    requestId: randomUUID(),
    userAgent,
  });
  const exchange: Exchange = { req, res, entry, relativePath, url };
  const fault = state.faults.take(method, entry.path);
  if (fault?.kind === 'reset-before-commit') {
    state.recorder.finish(entry, 0, routeKey(relativePath), { fault: fault.kind });
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') return sendFault(state, exchange, fault);
  if (state.bucket && throttle(state, exchange, state.bucket)) return;
  const result = await answer(state, exchange);
  if (state.options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.options.latencyMs));
  if (fault?.kind === 'drop-after-commit') {
    // The write is committed, the response is lost.
    state.recorder.finish(entry, result.status, routeKey(relativePath), { fault: fault.kind, ...reasonOf(result) });
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'commit-then-status') return sendFault(state, exchange, fault);
  send(exchange, result.status, result.body);
  state.recorder.finish(entry, result.status, routeKey(relativePath), reasonOf(result));
}

type Answer = RouteResult & { reason?: string };

function reasonOf(result: Answer): { reason?: string } {
  return result.reason === undefined ? {} : { reason: result.reason };
}

async function answer(state: EmulatorState, exchange: Exchange): Promise<Answer> {
  const { entry } = exchange;
  try {
    authorize(state.options, exchange);
    const segments = segmentsOf(state.options, exchange.relativePath);
    const body = await readJson(exchange.req);
    if (state.options.logBodies && body !== undefined) entry.body = body;
    // PingFederate changelog: AWS blocks PATCH without a User-Agent (third-party report).
    if (entry.method === 'PATCH' && state.options.requireUserAgentOnPatch && entry.userAgent === undefined) {
      throw invalid('PATCH without User-Agent');
    }
    const query = exchange.url.searchParams;
    return dispatch({ method: entry.method, segments, query, body, store: state.store, options: state.options });
  } catch (error) {
    const scimError = error instanceof ScimError ? error : new ScimError(500, `emulator bug: ${String(error)}`);
    return {
      status: scimError.status,
      body: errorBody(scimError.status, scimError.detail, entry.requestId),
      reason: scimError.reason,
    };
  }
}

/**
 * A tenant id that is not this one: the captured 404 "TENANT does not exist."
 * (https://github.com/slashdevops/idp-scim-sync/issues/42), or with `unknownTenant: 'unauthorized'` the
 * 401 UnauthorizedException of the DG error tables. Then a bad or missing bearer token: 401.
 */
function authorize(options: EmulatorOptions, exchange: Exchange): void {
  const tenant = /^\/([^/]+)\/scim\/v2(?:\/|$)/.exec(exchange.url.pathname)?.[1];
  if (tenant !== undefined && exchange.relativePath === undefined) {
    if (options.unknownTenant === 'not-found') throw new ScimError(404, 'unknown tenant id', DETAIL_TENANT_MISSING);
    throw new ScimError(401, 'wrong tenant id');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(exchange.req.headers.authorization ?? '');
  const token = match?.[1];
  if (token === undefined || !options.tokens.includes(token)) throw new ScimError(401, 'bad or missing bearer token');
}

/** A trailing slash is undocumented in the Developer Guide; by default it is a 404 like any unknown path. */
function segmentsOf(options: EmulatorOptions, relativePath: string | undefined): string[] {
  let path = relativePath ?? '';
  if (options.trailingSlash === 'accept' && path.length > 1) path = path.replace(/\/$/, '');
  const segments = path.split('/').slice(1);
  if (segments.length === 0 || segments.some((segment) => segment === '')) {
    throw new ScimError(404, 'no such endpoint');
  }
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw new ScimError(404, 'no such endpoint');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw invalid('request body: too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('request body: not JSON');
  }
}

/** DG pages list 429 ThrottlingException "Too many requests exceeded the limits". */
function throttle(state: EmulatorState, exchange: Exchange, bucket: TokenBucket): boolean {
  const taken = bucket.take();
  if (taken.allowed) return false;
  state.recorder.throttled();
  const retryAfter = retryAfterHeader(bucket.options.retryAfter, taken.waitSeconds);
  sendError(exchange, 429, retryAfter);
  state.recorder.finish(exchange.entry, 429, routeKey(exchange.relativePath), { reason: 'rate limit' });
  return true;
}

function sendFault(state: EmulatorState, exchange: Exchange, fault: FaultRule): void {
  const status = fault.status ?? 500;
  let retryAfter: string | undefined;
  if (status === 429) {
    state.recorder.throttled();
    const form = fault.retryAfter ?? state.options.rateLimit?.retryAfter ?? 'seconds';
    retryAfter = retryAfterHeader(form, fault.retryAfterSeconds ?? 1);
  }
  sendError(exchange, status, retryAfter);
  state.recorder.finish(exchange.entry, status, routeKey(exchange.relativePath), { fault: `status ${status}` });
}

function sendError(exchange: Exchange, status: number, retryAfter?: string): void {
  const body = errorBody(status, defaultDetail(status), exchange.entry.requestId);
  send(exchange, status, body, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
}

/** Every response: `Content-Type: application/json` and `x-amzn-RequestId` (DG/createuser examples). */
function send(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  exchange.res.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': exchange.entry.requestId,
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  exchange.res.end(payload);
}
