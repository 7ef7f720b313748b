import type { ScimGroupResource, ScimUserResource } from '../scim/wire.js';

export type RetryAfterForm = 'seconds' | 'http-date' | 'none';

export interface RateLimitOptions {
  requestsPerSecond: number;
  burst: number;
  retryAfter: RetryAfterForm;
}

/**
 * Behaviour switches of the emulated endpoint. Where AWS behaviour is unverified (aws-scim.md marks it so),
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
}

export type MutableOptionKey =
  | 'rateLimit'
  | 'duplicateMemberAdd'
  | 'absentMemberRemove'
  | 'requireUserAgentOnPatch'
  | 'maxPageSize';

export interface FaultRule {
  method?: string;
  /** Matched against the path after the base, e.g. /^\/Users/; a string must match exactly. */
  path?: RegExp | string;
  /** How many matching requests the rule applies to before it expires. */
  times: number;
  kind: 'status' | 'drop-after-commit' | 'reset-before-commit';
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
