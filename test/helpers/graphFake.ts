import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeTenant } from './graphFakeTenant.js';
import { handleAuthority, type AuthorityOptions } from './graphFakeAuthority.js';
import { EXPANDED_PAGE_MAX, managerExpand, refuseExpand, type ManagerExpand } from './graphFakeExpand.js';
import { testTls } from './tls.js';

/**
 * An https fake of Microsoft Graph v1.0 and of the Entra token endpoint on 127.0.0.1, for the real
 * Graph SDK and @azure/identity. It serves absolute nextLinks and deltaLinks on
 * its own origin, answers 401 to any Graph call without a bearer token it issued, and lets a test
 * script faults per request.
 */

export interface RecordedRequest {
  method: string;
  /** Path below /v1.0, e.g. `/users` or `/groups/{id}/transitiveMembers`. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The `ConsistencyLevel` header: `eventual` marks an advanced query. */
  consistencyLevel: string | undefined;
  /** 1-based page of a collection; 1 for single objects. */
  page: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type FaultRule = (request: RecordedRequest) => FakeResponse | undefined;

/** A fault that drops the connection without an answer, as a reset or a dead proxy would. */
export const CONNECTION_RESET: FakeResponse = { status: 0 };

export interface GraphFakeOptions extends Omit<AuthorityOptions, 'issue'> {
  /** Items per delta page; small so that rounds span several pages. */
  deltaPageSize?: number;
}

type Json = Record<string, unknown>;

interface ListToken {
  offset: number;
  top: number;
  select: string[] | undefined;
  /** The `$expand` of the first request; Graph encodes the whole query into its nextLinks. */
  expand?: string;
}

interface DeltaToken {
  kind: 'users' | 'groups';
  epoch: number;
  at?: number;
  round?: string;
  offset?: number;
  select: string[] | undefined;
}

export class GraphFake {
  readonly tenant = new FakeTenant();
  readonly requests: RecordedRequest[] = [];
  readonly issuedTokens = new Set<string>();
  tokenFailures = 0;
  unauthorizedCalls = 0;
  private readonly faults: FaultRule[] = [];
  private readonly rounds = new Map<string, Json[]>();
  private epoch = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly options: GraphFakeOptions,
  ) {}

  static async start(options: GraphFakeOptions): Promise<GraphFake> {
    const { key, cert } = testTls();
    const server = createServer({ key, cert });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const fake = new GraphFake(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  get graphBaseUrl(): string {
    return `${this.baseUrl}/v1.0`;
  }

  get authorityHost(): string {
    return this.baseUrl;
  }

  /** Graph calls to a path, in order. */
  calls(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  inject(rule: FaultRule): void {
    this.faults.push(rule);
  }

  /** Every delta link issued so far now answers 410 Gone / syncStateNotFound. */
  expireDeltaTokens(): void {
    this.epoch += 1;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    const issue = (): string => {
      const token = `fake-graph-token-${randomUUID()}`;
      this.issuedTokens.add(token);
      return token;
    };
    if (!url.pathname.startsWith('/v1.0/')) {
      const answer = handleAuthority(req.method ?? 'GET', url, body, this.baseUrl, { ...this.options, issue });
      if (answer.status !== 200) this.tokenFailures += 1;
      return send(res, answer);
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.slice('/v1.0'.length),
      query: url.searchParams,
      authorization: req.headers.authorization,
      consistencyLevel: typeof req.headers.consistencylevel === 'string' ? req.headers.consistencylevel : undefined,
      page: this.pageOf(url),
    };
    this.requests.push(record);
    const bearer = /^Bearer (.+)$/.exec(record.authorization ?? '')?.[1];
    if (bearer === undefined || !this.issuedTokens.has(bearer)) {
      this.unauthorizedCalls += 1;
      return send(res, graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.'));
    }
    for (const rule of this.faults) {
      const fault = rule(record);
      if (fault !== undefined) return send(res, fault);
    }
    send(res, this.route(record, url));
  }

  private route(r: RecordedRequest, url: URL): FakeResponse {
    const t = this.tenant;
    const parts = r.path.split('/').filter(Boolean);
    if (r.method !== 'GET') return graphError(405, 'MethodNotAllowed', 'only GET is faked');
    const refused = refuseExpand(r);
    if (refused !== undefined) return refused;
    if (r.path === '/users/delta' || r.path === '/groups/delta')
      return this.delta(parts[0] as 'users' | 'groups', r, url);
    if (r.path === '/users')
      return this.list(r, url, (select, expand) =>
        [...t.users.values()].map((u) => ({ ...t.projectUser(u, select), ...t.expandManager(u, expand) })),
      );
    if (r.path === '/groups')
      return this.list(r, url, () => [...t.groups.values()].map((g) => ({ id: g.id, displayName: g.displayName })));
    const select = r.query.get('$select')?.split(',');
    if (parts[0] === 'users' && parts.length === 2) {
      const user = t.users.get(parts[1]!);
      const expand = managerExpand(r.query.get('$expand'));
      return user
        ? { status: 200, body: { ...t.projectUser(user, select), ...t.expandManager(user, expand) } }
        : notFound();
    }
    // GET /users/{id}/manager: the manager (a user) or 404 when none is set (learn.microsoft.com/graph/api/user-list-manager).
    if (parts[0] === 'users' && parts.length === 3 && parts[2] === 'manager') {
      const managerId = t.users.get(parts[1]!)?.managerId;
      const manager = typeof managerId === 'string' ? t.users.get(managerId) : undefined;
      return manager ? { status: 200, body: { '@odata.type': '#microsoft.graph.user', id: manager.id } } : notFound();
    }
    if (parts[0] === 'groups' && parts.length >= 2) {
      const group = t.groups.get(parts[1]!);
      if (group === undefined) return notFound();
      if (parts.length === 2) return { status: 200, body: { id: group.id, displayName: group.displayName } };
      const ids =
        parts[2] === 'members'
          ? group.members
          : parts[2] === 'transitiveMembers'
            ? t.transitiveMemberIds(group.id)
            : undefined;
      if (ids === undefined) return graphError(400, 'BadRequest', `unsupported segment ${parts[2]}`);
      return this.list(r, url, (listSelect) =>
        ids.flatMap((id): Json[] => {
          const item = t.directoryObject(id, listSelect);
          return item === undefined ? [] : [item];
        }),
      );
    }
    if (parts[0] === 'servicePrincipals' && parts[2] === 'appRoleAssignedTo') {
      return this.list(r, url, () => t.assignments.map((a) => ({ ...a, resourceId: parts[1] })));
    }
    return graphError(400, 'BadRequest', `the fake does not serve ${r.path}`);
  }

  /**
   * `$top` from 1 to 999 (https://learn.microsoft.com/graph/paging), default 100; nextLinks carry an opaque skip
   * token and nothing else. With `$expand` a page holds at most 100 directory objects whatever `$top` asks
   * (https://developer.microsoft.com/graph/known-issues/?search=13635, as reported in
   * https://techcommunity.microsoft.com/discussions/officegraph/graph-api-with-expand-only-bringing-max-100-rows-even-though-top999/4203190).
   */
  private list(
    r: RecordedRequest,
    url: URL,
    items: (select: string[] | undefined, expand: ManagerExpand | undefined) => Json[],
  ): FakeResponse {
    const skip = r.query.get('$skiptoken');
    const expand = r.query.get('$expand') ?? undefined;
    const first: ListToken = {
      offset: 0,
      top: Number(r.query.get('$top') ?? 100),
      select: r.query.get('$select')?.split(','),
      ...(expand === undefined ? {} : { expand }),
    };
    const token: ListToken = skip ? decode<ListToken>(skip) : first;
    if (!Number.isInteger(token.top) || token.top < 1 || token.top > 999) {
      return graphError(
        400,
        'Request_BadRequest',
        `Invalid page size specified: '${token.top}'. Must be between 1 and 999 inclusive.`,
      );
    }
    const size = token.expand === undefined ? token.top : Math.min(token.top, EXPANDED_PAGE_MAX);
    const all = items(token.select, managerExpand(token.expand));
    const end = token.offset + size;
    const body: Json = { value: all.slice(token.offset, end) };
    if (end < all.length)
      body['@odata.nextLink'] =
        `${this.baseUrl}/v1.0${url.pathname.slice(5)}?$skiptoken=${encode({ ...token, offset: end })}`;
    return { status: 200, body };
  }

  private delta(kind: 'users' | 'groups', r: RecordedRequest, url: URL): FakeResponse {
    const raw = r.query.get('$skiptoken') ?? r.query.get('$deltatoken');
    const token: DeltaToken = raw
      ? decode<DeltaToken>(raw)
      : { kind, epoch: this.epoch, select: r.query.get('$select')?.split(',') };
    if (token.epoch !== this.epoch)
      return graphError(410, 'syncStateNotFound', 'The sync state was not found or has expired.');
    let round = token.round;
    if (round === undefined) {
      round = randomUUID();
      const since = token.at;
      this.rounds.set(
        round,
        kind === 'users' ? this.tenant.userDelta(since, token.select) : this.tenant.groupDelta(since),
      );
      token.at = this.tenant.position;
    }
    const items = this.rounds.get(round)!;
    const size = this.options.deltaPageSize ?? 2;
    const offset = token.offset ?? 0;
    const body: Json = { value: items.slice(offset, offset + size) };
    const base = `${this.baseUrl}/v1.0${url.pathname.slice(5)}`;
    if (offset + size < items.length)
      body['@odata.nextLink'] = `${base}?$skiptoken=${encode({ ...token, round, offset: offset + size })}`;
    else
      body['@odata.deltaLink'] =
        `${base}?$deltatoken=${encode({ kind, epoch: token.epoch, at: token.at, select: token.select })}`;
    return { status: 200, body };
  }

  private pageOf(url: URL): number {
    const raw = url.searchParams.get('$skiptoken');
    if (raw === null) return 1;
    const token = decode<Partial<ListToken & DeltaToken>>(raw);
    const top = token.expand === undefined ? token.top : Math.min(token.top ?? 100, EXPANDED_PAGE_MAX);
    const size = top ?? this.options.deltaPageSize ?? 2;
    return Math.floor((token.offset ?? 0) / size) + 1;
  }
}

export function graphError(status: number, code: string, message: string): FakeResponse {
  return {
    status,
    body: { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } },
  };
}

function notFound(): FakeResponse {
  return graphError(
    404,
    'Request_ResourceNotFound',
    'Resource does not exist or one of its queried reference-property objects are not present.',
  );
}

function send(res: ServerResponse, answer: FakeResponse): void {
  if (answer.status === 0) {
    res.socket?.destroy();
    return;
  }
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(token: string): T {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
}
