/**
 * The SCIM client for the IAM Identity Center endpoint. Methods speak our model types; the wire
 * dialect (the SCIM Implementation Developer Guide, see ./wire.ts) stays inside src/scim/.
 */
import type { DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import { ScimError, ScimProtocolError, UnsendableValueError, type HttpMethod } from './errors.js';
import { andFilter, eqFilter } from './filter.js';
import {
  fromScimGroup,
  fromScimUser,
  isScimGroupResource,
  isScimUserResource,
  toScimGroup,
  toScimUser,
  unsendableAttribute,
  type NewGroup,
} from './map.js';
import { listQueryString, MAX_PAGE_SIZE, parseListResponse, walkCursorPages } from './paging.js';
import { countMemberChanges, MAX_MEMBERS_PER_PATCH, patchRequest } from './patch.js';
import { ScimTransport, type ScimResponse, type SendOptions, type TransportOptions } from './transport.js';
import type { PatchOperation } from './wire.js';

/**
 * Transport settings (base URL, token, dispatcher, limiter, timeouts, read retries, logger, signal;
 * see ./transport.ts) plus `pageSize`: the `count` for list calls, 1–100, default 100.
 */
export interface ScimClientOptions extends TransportOptions {
  pageSize?: number;
}

export type DeleteResult = 'deleted' | 'not-found';

export class ScimClient {
  readonly #transport: ScimTransport;
  readonly #pageSize: number;

  constructor(options: ScimClientOptions) {
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE} (DG/listusers)`);
    }
    this.#pageSize = pageSize;
    this.#transport = new ScimTransport(options);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  listUsers(filter?: string): AsyncIterable<TargetUser> {
    return this.#list('/Users', filter, isScimUserResource, fromScimUser);
  }

  listGroups(filter?: string): AsyncIterable<TargetGroup> {
    return this.#list('/Groups', filter, isScimGroupResource, fromScimGroup);
  }

  /**
   * One read that needs a valid token and the right tenant: ListUsers with `count=1`, the smallest page
   * (count is 1–100 and the filter optional:
   * https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html). Throws what any read
   * throws: 401 as credentials, 404 on the collection as a wrong base URL, network failures as transport.
   */
  async checkAccess(): Promise<void> {
    const res = await this.#send('GET', '/Users', { query: 'count=1' });
    parseListResponse(res.json, isScimUserResource, '/Users');
  }

  /** The users in a group, via the `groups.value` filter on ListUsers (DG/listusers). */
  listGroupMembers(groupId: string): AsyncIterable<TargetUser> {
    return this.listUsers(eqFilter('groups.value', groupId));
  }

  /** The groups a user belongs to, via the `members.value` filter on ListGroups (DG/listgroups). */
  listUserGroups(userId: string): AsyncIterable<TargetGroup> {
    return this.listGroups(eqFilter('members.value', userId));
  }

  /**
   * The pair probe `id eq "G" and members eq "U"` (DG/listgroups). A 404 there means the user does
   * not exist ("When filter querying with a nonexisting member"), so it is not a member either.
   */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    const filter = andFilter(eqFilter('id', groupId), eqFilter('members', userId));
    const res = await this.#send('GET', '/Groups', { query: `filter=${encodeURIComponent(filter)}`, accept: [404] });
    if (res.status === 404) return false;
    const page = parseListResponse(res.json, isScimGroupResource, '/Groups');
    return (page.totalResults ?? page.items.length) > 0;
  }

  getUser(id: string): Promise<TargetUser | null> {
    return this.#get(`/Users/${encodeURIComponent(id)}`, isScimUserResource, fromScimUser);
  }

  getGroup(id: string): Promise<TargetGroup | null> {
    return this.#get(`/Groups/${encodeURIComponent(id)}`, isScimGroupResource, fromScimGroup);
  }

  findUserByExternalId(externalId: string): Promise<TargetUser | null> {
    return this.#findFirst('/Users', eqFilter('externalId', externalId), isScimUserResource, fromScimUser);
  }

  findUserByUserName(userName: string): Promise<TargetUser | null> {
    return this.#findFirst('/Users', eqFilter('userName', userName), isScimUserResource, fromScimUser);
  }

  findGroupByExternalId(externalId: string): Promise<TargetGroup | null> {
    return this.#findFirst('/Groups', eqFilter('externalId', externalId), isScimGroupResource, fromScimGroup);
  }

  findGroupByDisplayName(displayName: string): Promise<TargetGroup | null> {
    return this.#findFirst('/Groups', eqFilter('displayName', displayName), isScimGroupResource, fromScimGroup);
  }

  /** CreateUser (DG/createuser): 201 with the stored user. */
  async createUser(user: DesiredUser): Promise<TargetUser> {
    const res = await this.#send('POST', '/Users', { body: toScimUser(user) });
    return fromScimUser(expectResource(res.json, isScimUserResource, 'POST', '/Users'));
  }

  /** PatchUser (DG/patchuser): 200 with the full user body. */
  async patchUser(id: string, operations: readonly PatchOperation[]): Promise<TargetUser> {
    const path = `/Users/${encodeURIComponent(id)}`;
    const res = await this.#send('PATCH', path, { body: patchRequest(operations) });
    return fromScimUser(expectResource(res.json, isScimUserResource, 'PATCH', path));
  }

  /** DeleteUser (DG/deleteuser): 204, or 404 when it is already gone, which a delete treats as done. */
  deleteUser(id: string): Promise<DeleteResult> {
    return this.#delete(`/Users/${encodeURIComponent(id)}`);
  }

  /** CreateGroup (DG/creategroup): 201 with the group; up to 100 first members ride in the POST. */
  async createGroup(group: NewGroup): Promise<TargetGroup> {
    const body = toScimGroup(group);
    // A 404 to a create naming members may be about a member, as AWS answers an unknown member in a
    // ListGroups filter (DG/listgroups), so it stays a 404 for the caller to settle; an empty create
    // still reports a 404 as a wrong endpoint.
    const res = await this.#send('POST', '/Groups', { body }, body.members === undefined);
    return fromScimGroup(expectResource(res.json, isScimGroupResource, 'POST', '/Groups'));
  }

  /** PatchGroup (DG/patchgroup): 204. At most 100 membership changes per request, checked before sending. */
  async patchGroup(id: string, operations: readonly PatchOperation[]): Promise<void> {
    const changes = countMemberChanges(operations);
    if (changes > MAX_MEMBERS_PER_PATCH) {
      throw new RangeError(
        `PatchGroup carries ${changes} membership changes; at most ${MAX_MEMBERS_PER_PATCH} are allowed (DG/patchgroup)`,
      );
    }
    await this.#send('PATCH', `/Groups/${encodeURIComponent(id)}`, { body: patchRequest(operations) });
  }

  /** DeleteGroup (DG/deletegroup): 204, or 404 when it is already gone. */
  deleteGroup(id: string): Promise<DeleteResult> {
    return this.#delete(`/Groups/${encodeURIComponent(id)}`);
  }

  /**
   * Every request passes here: a body holding a value AWS rejects is never sent (the one shared
   * character rule, ../model/aws-characters.ts), and a 404 on a collection itself is reported as a
   * wrong endpoint (exit 5), since `/Users` and `/Groups` exist on every tenant.
   */
  async #send(
    method: HttpMethod,
    path: string,
    options: SendOptions,
    notFoundIsEndpoint = true,
  ): Promise<ScimResponse> {
    const unsendable = options.body === undefined ? undefined : unsendableAttribute(options.body);
    if (unsendable !== undefined) throw new UnsendableValueError(method, path, unsendable);
    try {
      return await this.#transport.send(method, path, options);
    } catch (err) {
      if (
        notFoundIsEndpoint &&
        err instanceof ScimError &&
        err.isNotFound &&
        isBasePathRequest(method, path, options.query)
      )
        throw err.asEndpointProblem('base-path');
      throw err;
    }
  }

  async *#list<W, T>(
    path: string,
    filter: string | undefined,
    isItem: (v: unknown) => v is W,
    map: (w: W) => T,
  ): AsyncGenerator<T> {
    const fetchPage = async (cursor: string | null) => {
      const query = listQueryString({ cursor, count: this.#pageSize, ...(filter === undefined ? {} : { filter }) });
      const res = await this.#send('GET', path, { query });
      return parseListResponse(res.json, isItem, path);
    };
    for await (const item of walkCursorPages(fetchPage, { path, pageSize: this.#pageSize })) yield map(item);
  }

  async #get<W, T>(path: string, isItem: (v: unknown) => v is W, map: (w: W) => T): Promise<T | null> {
    const res = await this.#send('GET', path, { accept: [404] });
    return res.status === 404 ? null : map(expectResource(res.json, isItem, 'GET', path));
  }

  /**
   * One non-cursor page is enough: `userName`, user `externalId` and group `displayName` are unique
   * on AWS (UG/troubleshooting). Group `externalId` is not documented as unique; the first match wins.
   */
  async #findFirst<W, T>(
    path: string,
    filter: string,
    isItem: (v: unknown) => v is W,
    map: (w: W) => T,
  ): Promise<T | null> {
    const res = await this.#send('GET', path, { query: `filter=${encodeURIComponent(filter)}` });
    const first = parseListResponse(res.json, isItem, path).items[0];
    return first === undefined ? null : map(first);
  }

  async #delete(path: string): Promise<DeleteResult> {
    const res = await this.#send('DELETE', path, { accept: [404] });
    return res.status === 404 ? 'not-found' : 'deleted';
  }
}

/**
 * A collection read without a filter, or a create: only a wrong base URL can make these 404. A
 * filtered read may 404 for its own reasons (DG/listgroups: a member filter naming an unknown user).
 */
function isBasePathRequest(method: HttpMethod, path: string, query: string | undefined): boolean {
  if (path !== '/Users' && path !== '/Groups') return false;
  if (method === 'POST') return true;
  return method === 'GET' && !(query ?? '').includes('filter=');
}

function expectResource<W>(json: unknown, isItem: (v: unknown) => v is W, method: HttpMethod, path: string): W {
  if (isItem(json)) return json;
  throw new ScimProtocolError('malformed-response', method, path, 'the response body is not the expected resource');
}
