import { Client, type Collection } from '@okta/okta-sdk-nodejs';
import type { OktaCredentials } from './auth.js';
import { withSignal, type OktaRequestExecutor } from './executor.js';

/** The parts of an Okta user this source reads: an SDK `User`, or the raw `_embedded.user` of an app user. */
export interface OktaUser {
  id?: string;
  status?: string;
  lastUpdated?: Date | string;
  profile?: { [attribute: string]: unknown };
}

export interface OktaGroup {
  id?: string;
  lastUpdated?: Date | string;
  lastMembershipUpdated?: Date | string;
  profile?: { name?: unknown };
}

/** An app assignment; its id is the Okta user id. With `expand=user` the user is embedded. */
export interface OktaAppUser {
  id?: string;
  /** `userName` is the name the app sends to the service provider (the app's username format). */
  credentials?: { userName?: unknown };
  _embedded?: { [key: string]: unknown };
}

/**
 * The Okta reads the source needs, bound to one operation's AbortSignal. Lists iterate every page: they
 * end only after a page without `Link: rel="next"`, and any failed page throws.
 * `read.ts` gets this interface, so its tests can hand it a fake.
 */
export interface OktaApi {
  /**
   * GET /api/v1/users?search=…; unlike the plain list, `search` includes DEPROVISIONED users
   * (https://developer.okta.com/docs/reference/core-okta-api/).
   */
  searchUsers(search: string): AsyncIterable<OktaUser>;
  /** GET /api/v1/users/{id}; undefined when there is no such user. */
  getUser(userId: string): Promise<OktaUser | undefined>;
  /** GET /api/v1/groups?search=… */
  searchGroups(search: string): AsyncIterable<OktaGroup>;
  getGroup(groupId: string): Promise<OktaGroup | undefined>;
  /** GET /api/v1/groups/{id}/users: the direct members; Okta groups do not nest. */
  listGroupUsers(groupId: string): AsyncIterable<OktaUser>;
  /** GET /api/v1/users/{id}/groups */
  listUserGroups(userId: string): AsyncIterable<OktaGroup>;
  /** GET /api/v1/apps/{appId}/users, direct and group-based assignments, with `expand=user` when asked. */
  listAppUsers(appId: string, expandUser: boolean): AsyncIterable<OktaAppUser>;
  /** GET /api/v1/apps/{appId}/users/{userId}?expand=user; undefined when the user is not assigned. */
  getAppUser(appId: string, userId: string): Promise<OktaAppUser | undefined>;
  /** GET /api/v1/apps/{appId}/groups?expand=group, yielding the embedded groups. */
  listAppGroups(appId: string): AsyncIterable<OktaGroup>;
  /** GET /api/v1/apps/{appId}/groups/{groupId}: is the group assigned to the app? */
  isAppGroup(appId: string, groupId: string): Promise<boolean>;
}

export interface SdkClientOptions {
  orgUrl: string;
  credentials: OktaCredentials;
  executor: OktaRequestExecutor;
}

const USER_AGENT = 'icsync';

/**
 * Builds the SDK client with every setting the SDK's config loader knows given explicitly, so a stray
 * `~/.okta/okta.yaml`, `./okta.yaml` or `OKTA_CLIENT_*` variable cannot change the org, the credentials or
 * the auth mode: constructor values win over both (https://github.com/okta/okta-sdk-nodejs, src/config-loader.js).
 * The GET cache is off, since a re-read after a webhook must see Okta's current state, not a cached copy
 * (the SDK caches GETs by default: https://github.com/okta/okta-sdk-nodejs#caching).
 */
export function createSdkClient({ orgUrl, credentials, executor }: SdkClientOptions): Client {
  const auth =
    credentials.mode === 'SSWS'
      ? { authorizationMode: 'SSWS', token: credentials.token, clientId: '', scopes: [], privateKey: '', keyId: '' }
      : {
          authorizationMode: 'PrivateKey',
          token: '',
          clientId: credentials.clientId,
          scopes: credentials.scopes,
          privateKey: credentials.privateKey,
          keyId: credentials.keyId ?? '',
        };
  // The cast: the config loader reads `userAgent`, but the SDK's V2Configuration type does not list it.
  return new Client({
    orgUrl,
    ...auth,
    userAgent: USER_AGENT,
    requestExecutor: executor,
    cacheMiddleware: null,
  } as ConstructorParameters<typeof Client>[0]);
}

export function createOktaApi(client: Client, pageSize: number, signal: AbortSignal): OktaApi {
  const all = <T>(open: () => Promise<Collection<T>>): AsyncIterable<T> => everyPage(signal, open);
  const one = <T>(get: () => Promise<T>): Promise<T | undefined> => unlessNotFound(signal, get);
  return {
    searchUsers: (search) => all(() => client.userApi.listUsers({ search, limit: pageSize })),
    getUser: (userId) => one(() => client.userApi.getUser({ userId })),
    searchGroups: (search) => all(() => client.groupApi.listGroups({ search, limit: pageSize })),
    getGroup: (groupId) => one(() => client.groupApi.getGroup({ groupId })),
    listGroupUsers: (groupId) => all(() => client.groupApi.listGroupUsers({ groupId, limit: pageSize })),
    listUserGroups: (userId) => all(() => client.userApi.listUserGroups({ userId })),
    listAppUsers: (appId, expandUser) =>
      all(() =>
        client.applicationApi.listApplicationUsers({
          appId,
          limit: pageSize,
          ...(expandUser ? { expand: 'user' } : {}),
        }),
      ),
    getAppUser: (appId, userId) =>
      one(() => client.applicationApi.getApplicationUser({ appId, userId, expand: 'user' })),
    listAppGroups: (appId) =>
      embedded(
        all(() => client.applicationApi.listApplicationGroupAssignments({ appId, limit: pageSize, expand: 'group' })),
      ),
    isAppGroup: async (appId, groupId) =>
      (await one(() => client.applicationApi.getApplicationGroupAssignment({ appId, groupId }))) !== undefined,
  };
}

/**
 * Every item of every page. The SDK's `Collection` follows `Link: rel="next"` verbatim and stops at the first page
 * without one (https://developer.okta.com/docs/reference/core-okta-api/). It yields `null` for an empty page that
 * still has a next link; those are skipped, not taken as the end.
 */
async function* everyPage<T>(signal: AbortSignal, open: () => Promise<Collection<T>>): AsyncIterable<T> {
  const collection = await withSignal(signal, open);
  for (;;) {
    signal.throwIfAborted();
    const next = await withSignal(signal, () => collection.next());
    if (next.done) return;
    if (next.value !== null && next.value !== undefined) yield next.value;
  }
}

async function* embedded(
  assignments: AsyncIterable<{ id?: string; _embedded?: { [key: string]: unknown } }>,
): AsyncIterable<OktaGroup> {
  for await (const assignment of assignments) {
    const group = assignment._embedded?.group as OktaGroup | undefined;
    if (group === undefined)
      throw new Error(`app group assignment ${assignment.id ?? '(no id)'} came without _embedded.group`);
    yield group;
  }
}

async function unlessNotFound<T>(signal: AbortSignal, get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await withSignal(signal, get);
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** The HTTP status of an SDK error (`OktaApiError` for JSON bodies, `HttpError` otherwise), if any. */
function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const status = Number(err.status);
  return Number.isInteger(status) ? status : undefined;
}
