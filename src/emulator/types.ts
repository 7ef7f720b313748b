import type { ScimGroupResource, ScimUserResource } from '../scim/wire.js';

export type RetryAfterForm = 'seconds' | 'http-date' | 'none';

export interface RateLimitOptions {
  requestsPerSecond: number;
  burst: number;
  retryAfter: RetryAfterForm;
}

/**
 * Behaviour switches of the emulated endpoint. Where AWS documents no behaviour and no capture shows it,
 * the choice is a switch rather than a guess baked into the code.
 */
export interface EmulatorOptions {
  host: string;
  port: number;
  /** The base path is `/${tenantId}/scim/v2`. */
  tenantId: string;
  /** Accepted bearer tokens; at most 2 exist at once (UG/rotate-token). */
  tokens: string[];
  /** GetSchema advertises `userName` caseExact=false (DG/getschema); case-insensitive uniqueness is unverified. */
  caseInsensitiveUserName: boolean;
  /** Vendor-reported (Microsoft tutorial, Okta KB), not in AWS docs. Other control characters are always rejected. */
  forbiddenCharacters: string;
  /** Adding a user who is already a member: unverified in AWS docs. 'error' answers 400. */
  duplicateMemberAdd: 'noop' | 'error';
  /** Removing a user who is not a member: unverified in AWS docs. 'error' answers 400. */
  absentMemberRemove: 'noop' | 'error';
  /** PingFederate reports AWS blocks PATCH without a User-Agent (third-party). */
  requireUserAgentOnPatch: boolean;
  /** What a trailing slash after a resource path does is undocumented. 'reject' answers 404. */
  trailingSlash: 'reject' | 'accept';
  /** 'legacy50' reproduces the pre-cursor endpoint: at most 50 results and no cursor (DG/document-history 2021-04-09). */
  paging: 'cursor' | 'legacy50';
  /** Pages may be shorter than `count` and still carry `nextCursor` (DG/listusers). */
  maxPageSize: number;
  /** Token bucket over all requests; null disables throttling. */
  rateLimit: RateLimitOptions | null;
  /**
   * Read-after-write lag: for this long after its create, a user or group answers 404 to requests on
   * its id (PATCH included) and is missing from filtered lists. 0 means always consistent. AWS answered
   * 404 to a member PATCH right after CreateGroup (https://github.com/awslabs/ssosync/issues/42).
   */
  consistencyLagMs: number;
  /**
   * 'single-attribute': a PATCH operation without `path` may touch one attribute (an `id` naming the
   * resource aside), else 400 with the captured detail (https://github.com/goauthentik/authentik/issues/12321).
   * 'any': the RFC 7644 §3.5.2 reading, every attribute of the value object.
   */
  pathlessPatch: 'single-attribute' | 'any';
  /**
   * A tenant id that is not this one: 'not-found' answers the captured 404 "TENANT does not exist."
   * (https://github.com/slashdevops/idp-scim-sync/issues/42); 'unauthorized' the 401 the DG error tables list.
   */
  unknownTenant: 'not-found' | 'unauthorized';
  /** 'uuid': bare UUIDs, as captured in 2024–2025; 'prefixed': the older `[0-9a-f]{10}-<uuid>` form. */
  resourceIds: 'uuid' | 'prefixed';
  /** Keep each request's parsed JSON body in the request log (tests assert what was sent). */
  logBodies: boolean;
  /**
   * Added to every answer before it is sent, as the network round trip to a regional endpoint would:
   * a client that waits for each read before sending the next cannot reach its configured rate.
   */
  latencyMs: number;
  /**
   * CreateGroup documents up to 100 members in the POST body, with an example that carries them
   * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html). 'refuse' answers 400
   * to a create that carries members; 'ignore' answers 201 and keeps none of them, as one SCIM server was
   * reported doing (https://github.com/wso2/product-is/issues/9619; not reported of AWS). Both are for a
   * client that must still end with every member in place if an endpoint revision stops taking them.
   */
  inlineMembers: 'accept' | 'refuse' | 'ignore';
}

export type MutableOptionKey =
  | 'rateLimit'
  | 'consistencyLagMs'
  | 'pathlessPatch'
  | 'duplicateMemberAdd'
  | 'absentMemberRemove'
  | 'requireUserAgentOnPatch'
  | 'maxPageSize'
  | 'latencyMs'
  | 'inlineMembers';

export interface FaultRule {
  method?: string;
  /** Matched against the path after the base, e.g. /^\/Users/; a string must match exactly. */
  path?: RegExp | string;
  /** How many matching requests the rule applies to before it expires. */
  times: number;
  /**
   * 'commit-then-status': the request is applied, then answered with `status` (default 400) as if it had
   * been refused: a 400 that still emptied a group was captured (https://github.com/lichti/aws-iam-scim-problem).
   */
  kind: 'status' | 'drop-after-commit' | 'reset-before-commit' | 'commit-then-status';
  status?: number;
  retryAfter?: RetryAfterForm;
  retryAfterSeconds?: number;
}

/** One request as the emulator saw it. Bodies and the Authorization header are never recorded. */
export interface RequestLogEntry {
  seq: number;
  at: number;
  method: string;
  /** The path after the base (e.g. `/Users/abc`) for requests under this tenant's base, else the full path. */
  path: string;
  /** The raw query string without the leading `?`. */
  query: string;
  /** The status sent, or the one that would have been sent for a dropped response; 0 when reset before commit. */
  status: number;
  requestId: string;
  userAgent?: string;
  fault?: string;
  /** Which rule refused the request (4xx/5xx), in words without attribute values. */
  reason?: string;
  /** The parsed JSON body, only with the `logBodies` option. */
  body?: unknown;
}

export interface RunningEmulator {
  readonly baseUrl: string;
  readonly port: number;
  readonly token: string;
  readonly requestLog: RequestLogEntry[];
  counters(): Record<string, number>;
  writes(): RequestLogEntry[];
  users(): ScimUserResource[];
  groups(): ScimGroupResource[];
  membersOf(groupId: string): string[];
  seedUser(u: Omit<ScimUserResource, 'id' | 'meta'>): ScimUserResource;
  seedGroup(g: Omit<ScimGroupResource, 'id' | 'meta' | 'members'>, memberIds?: string[]): ScimGroupResource;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setOptions(patch: Partial<Pick<EmulatorOptions, MutableOptionKey>>): void;
  resetLog(): void;
  close(): Promise<void>;
}
