import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAuthorizationServer, type ServiceApp } from './oktaFakeAuth.js';
import { matchesSearch } from './oktaFakeSearch.js';
import { testTls } from './tls.js';

/**
 * A fake Okta org on https://127.0.0.1:<port>, served with the test certificate, for driving the real
 * `@okta/okta-sdk-nodejs`. It pages every list with `limit` / `after` and absolute
 * `Link: rel="next"` URLs, sends the X-Rate-Limit-* headers on every response, requires the SSWS token or
 * a bearer token it issued on every API call, and can script faults (429s, failed pages, dropped sockets).
 */

export interface FakeOktaUser {
  id: string;
  status: string;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown>;
}

export interface FakeOktaGroup {
  id: string;
  type: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  profile: { name?: string; description?: string };
  members: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** `SSWS`, `Bearer`, `none`, or `rejected` when the credential was not accepted. */
  auth: string;
  at: number;
}

export interface FaultContext {
  method: string;
  path: string;
  query: URLSearchParams;
}

interface Fault {
  match: (request: FaultContext) => boolean;
  remaining: number;
  respond: (res: ServerResponse, request: IncomingMessage) => void;
}

export interface OktaFakeOptions {
  /** The accepted SSWS API token. */
  apiToken?: string;
  serviceApp?: ServiceApp;
  /** Id of the app whose assignments `/api/v1/apps/{appId}/…` serves. */
  appId?: string;
}

type Json = Record<string, unknown>;

export class OktaFake {
  readonly users = new Map<string, FakeOktaUser>();
  readonly groups = new Map<string, FakeOktaGroup>();
  /** Direct user assignments and group assignments of the app. */
  /** `userNames`: app usernames that differ from the login (a custom app username format). */
  readonly app: { id: string; users: Set<string>; groups: Set<string>; userNames: Map<string, string> };
  readonly requests: RecordedRequest[] = [];
  readonly authorization: FakeAuthorizationServer;
  baseUrl = '';
  private readonly faults: Fault[] = [];
  private server: Server | undefined;

  private constructor(private readonly options: OktaFakeOptions) {
    this.app = { id: options.appId ?? '0oaAwsApp1', users: new Set(), groups: new Set(), userNames: new Map() };
    this.authorization = new FakeAuthorizationServer(options.serviceApp, () => `${this.baseUrl}/oauth2/v1/token`);
  }

  static async start(options: OktaFakeOptions = {}): Promise<OktaFake> {
    const fake = new OktaFake(options);
    const { key, cert } = testTls();
    const server = createServer({ key, cert }, (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Answers the next `times` matching requests with `respond` instead of the normal response. */
  fault(match: (request: FaultContext) => boolean, respond: Fault['respond'], times = 1): void {
    this.faults.push({ match, remaining: times, respond });
  }

  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/api/'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      auth: authScheme(req),
      at: Date.now(),
    };
    this.requests.push(record);
    rateHeaders(res);
    const fault = this.faults.find(
      (f) => f.remaining > 0 && f.match({ method, path: url.pathname, query: url.searchParams }),
    );
    if (fault !== undefined) {
      fault.remaining -= 1;
      fault.respond(res, req);
      return;
    }
    if (method === 'POST' && url.pathname === '/oauth2/v1/token') {
      const result = this.authorization.token(new URLSearchParams(body), header(req, 'dpop'));
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      return send(res, result.status, result.body);
    }
    if (!url.pathname.startsWith('/api/v1/')) return notFound(res);
    if (!this.accepts(req)) {
      record.auth = 'rejected';
      return send(res, 401, oktaError('E0000011', 'Invalid token provided'));
    }
    if (method !== 'GET')
      return send(res, 405, oktaError('E0000022', 'The endpoint does not support the provided HTTP method'));
    this.route(url, res);
  }

  private accepts(req: IncomingMessage): boolean {
    const [scheme, credential] = (req.headers.authorization ?? '').split(' ');
    if (scheme === undefined || credential === undefined) return false;
    if (scheme === 'SSWS') return this.options.apiToken !== undefined && credential === this.options.apiToken;
    return this.authorization.accepts(scheme, credential, header(req, 'dpop'));
  }

  private route(url: URL, res: ServerResponse): void {
    const parts = url.pathname.split('/').slice(3).map(decodeURIComponent);
    const [collection, id, sub, subId] = parts;
    const q = url.searchParams;
    if (collection === 'users' && id === undefined) return this.page(res, url, this.listUsers(q));
    if (collection === 'users' && sub === undefined) return this.one(res, this.findUser(id!));
    if (collection === 'users' && sub === 'groups')
      return this.page(
        res,
        url,
        this.groupsOf(id!).map((g) => renderGroup(g, this.baseUrl)),
      );
    if (collection === 'groups' && id === undefined) return this.page(res, url, this.listGroups(q));
    if (collection === 'groups' && sub === undefined)
      return this.one(res, this.groups.get(id!) && renderGroup(this.groups.get(id!)!, this.baseUrl));
    if (collection === 'groups' && sub === 'users') return this.page(res, url, this.members(id!));
    if (collection === 'apps' && id === this.app.id) return this.routeApp(res, url, sub, subId);
    notFound(res);
  }

  private routeApp(res: ServerResponse, url: URL, sub: string | undefined, subId: string | undefined): void {
    const expand = url.searchParams.get('expand');
    if (sub === 'users' && subId === undefined)
      return this.page(
        res,
        url,
        this.appUserIds().map((id) => this.appUser(id, expand === 'user')),
      );
    if (sub === 'users')
      return this.one(res, this.appUserIds().includes(subId!) ? this.appUser(subId!, expand === 'user') : undefined);
    if (sub === 'groups' && subId === undefined)
      return this.page(
        res,
        url,
        [...this.app.groups].map((id) => this.appGroup(id, expand === 'group')),
      );
    if (sub === 'groups')
      return this.one(res, this.app.groups.has(subId!) ? this.appGroup(subId!, expand === 'group') : undefined);
    notFound(res);
  }

  /**
   * Without search or filter Okta lists everyone except DEPROVISIONED users
   * (https://developer.okta.com/docs/reference/core-okta-api/).
   */
  private listUsers(q: URLSearchParams): Json[] {
    const expression = q.get('search') ?? q.get('filter');
    const all = [...this.users.values()];
    const found =
      expression === null
        ? all.filter((u) => u.status !== 'DEPROVISIONED')
        : all.filter((u) => matchesSearch(expression, u));
    return found.map((u) => renderUser(u, this.baseUrl));
  }

  private listGroups(q: URLSearchParams): Json[] {
    const expression = q.get('search') ?? q.get('filter');
    const all = [...this.groups.values()].map((g) => renderGroup(g, this.baseUrl));
    return expression === null ? all : all.filter((g) => matchesSearch(expression, g));
  }

  /** Okta also finds a user by login on this route. */
  private findUser(idOrLogin: string): Json | undefined {
    const user = this.users.get(idOrLogin) ?? [...this.users.values()].find((u) => u.profile.login === idOrLogin);
    return user && renderUser(user, this.baseUrl);
  }

  private members(groupId: string): Json[] | undefined {
    const group = this.groups.get(groupId);
    return group?.members.flatMap((id) => (this.users.has(id) ? [renderUser(this.users.get(id)!, this.baseUrl)] : []));
  }

  private groupsOf(userId: string): FakeOktaGroup[] {
    return [...this.groups.values()].filter((g) => g.members.includes(userId));
  }

  /** Direct assignments, then users assigned through an assigned group. */
  private appUserIds(): string[] {
    const viaGroups = [...this.app.groups].flatMap((id) => this.groups.get(id)?.members ?? []);
    return [...new Set([...this.app.users, ...viaGroups])].filter((id) => this.users.has(id));
  }

  private appUser(id: string, expandUser: boolean): Json {
    const user = this.users.get(id)!;
    return {
      id,
      scope: this.app.users.has(id) ? 'USER' : 'GROUP',
      status: 'PROVISIONED',
      created: user.created,
      lastUpdated: user.created,
      credentials: { userName: this.app.userNames.get(id) ?? user.profile.login },
      profile: {},
      _links: { user: { href: `${this.baseUrl}/api/v1/users/${id}` } },
      ...(expandUser ? { _embedded: { user: renderUser(user, this.baseUrl) } } : {}),
    };
  }

  private appGroup(id: string, expandGroup: boolean): Json {
    const group = this.groups.get(id)!;
    return {
      id,
      lastUpdated: group.created,
      priority: 0,
      profile: {},
      ...(expandGroup ? { _embedded: { group: renderGroup(group, this.baseUrl) } } : {}),
    };
  }

  private one(res: ServerResponse, resource: Json | undefined): void {
    if (resource === undefined) return notFound(res);
    send(res, 200, resource);
  }

  /** One page of `items` at the `after` cursor, with `Link: rel="self"` and, unless last, `rel="next"` (absolute). */
  private page(res: ServerResponse, url: URL, items: Json[] | undefined): void {
    if (items === undefined) return notFound(res);
    const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 200));
    const offset = Number(Buffer.from(url.searchParams.get('after') ?? 'MA', 'base64url').toString() || 0);
    const links = [`<${this.baseUrl}${url.pathname}${url.search}>; rel="self"`];
    if (offset + limit < items.length) {
      const next = new URL(url.pathname + url.search, this.baseUrl);
      next.searchParams.set('after', Buffer.from(String(offset + limit)).toString('base64url'));
      links.push(`<${next.href}>; rel="next"`);
    }
    res.setHeader('Link', links);
    send(res, 200, items.slice(offset, offset + limit));
  }
}

/** As Okta renders them, with an absolute `_links.self.href` (the key the SDK's GET cache would use). */
function renderUser(user: FakeOktaUser, baseUrl: string): Json {
  return {
    ...structuredClone(user),
    type: { id: 'oty1' },
    _links: { self: { href: `${baseUrl}/api/v1/users/${user.id}` } },
  };
}

function renderGroup(group: FakeOktaGroup, baseUrl: string): Json {
  const { members: _members, ...rest } = group;
  return {
    ...structuredClone(rest),
    objectClass: ['okta:user_group'],
    _links: { self: { href: `${baseUrl}/api/v1/groups/${group.id}` } },
  };
}

export function oktaError(errorCode: string, errorSummary: string): Json {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: 'oae-fake', errorCauses: [] };
}

/** A scripted 429 whose wait is `resetEpochSeconds` − `date` + 1 s. */
export function rateLimited(date: Date, resetEpochSeconds: number): Fault['respond'] {
  return (res) => {
    res.setHeader('Date', date.toUTCString());
    res.setHeader('X-Rate-Limit-Remaining', '0');
    res.setHeader('X-Rate-Limit-Reset', String(resetEpochSeconds));
    send(res, 429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'));
  };
}

export function serverError(res: ServerResponse): void {
  send(res, 500, oktaError('E0000009', 'Internal Server Error'));
}

export function dropConnection(_res: ServerResponse, req: IncomingMessage): void {
  req.socket.destroy();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  send(res, 404, oktaError('E0000007', 'Not found: Resource not found'));
}

function rateHeaders(res: ServerResponse): void {
  res.setHeader('X-Rate-Limit-Limit', '600');
  res.setHeader('X-Rate-Limit-Remaining', '599');
  res.setHeader('X-Rate-Limit-Reset', String(Math.floor(Date.now() / 1000) + 60));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function authScheme(req: IncomingMessage): string {
  return (req.headers.authorization ?? '').split(' ')[0] || 'none';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
