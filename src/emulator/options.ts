import type { EmulatorOptions } from './types.js';

/** Shaped like a real tenant id (UG/how-to-with-scim shows `11111111111-2222-3333-4444-555555555555`). */
export const DEFAULT_TENANT_ID = '9f3c2a1b7e4-5d6c-4b8a-9e0f-1a2b3c4d5e6f';

/** UG/rotate-token: at most two access tokens exist at once. */
export const MAX_TOKENS = 2;

export const DEFAULT_OPTIONS: EmulatorOptions = {
  host: '127.0.0.1',
  port: 0,
  tenantId: DEFAULT_TENANT_ID,
  tokens: ['emulator-token'],
  caseInsensitiveUserName: true,
  forbiddenCharacters: '<>;:%\t\r\n',
  duplicateMemberAdd: 'noop',
  absentMemberRemove: 'noop',
  requireUserAgentOnPatch: true,
  trailingSlash: 'reject',
  paging: 'cursor',
  maxPageSize: 100,
  rateLimit: null,
  consistencyLagMs: 0,
  pathlessPatch: 'single-attribute',
  unknownTenant: 'not-found',
  resourceIds: 'uuid',
  logBodies: false,
  latencyMs: 0,
  inlineMembers: 'accept',
};

/**
 * The rate limit `icsync emulator` and the demo apply by default, so they see 429s as a real tenant
 * does. AWS publishes no SCIM rate: the DG only lists 429 ThrottlingException "Too many requests
 * exceeded the limits". The firmest public report is a sequential client syncing ~200 users and ~200
 * groups from the endpoint's own region, throttled after 10–15 s (https://github.com/awslabs/ssosync/issues/13);
 * such a client reaches several dozen requests per second. 10 requests/s with a burst of 20 stays
 * below that, and is half the 20 TPS the IAM Identity Center quotas page gives for its other APIs
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html), so a client sending faster
 * than a cautious pace is throttled early. 429s carry `Retry-After: 1` (whether AWS sends the header is undocumented).
 */
export const AWS_REPORTED_RATE_LIMIT = { requestsPerSecond: 10, burst: 20, retryAfter: 'seconds' } as const;

export function resolveOptions(partial: Partial<EmulatorOptions>): EmulatorOptions {
  const options: EmulatorOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (options.tokens.length === 0 || options.tokens.length > MAX_TOKENS) {
    throw new Error(`emulator: between 1 and ${MAX_TOKENS} bearer tokens are required, got ${options.tokens.length}`);
  }
  if (options.tokens.some((t) => t.length === 0 || /\s/.test(t))) {
    throw new Error('emulator: bearer tokens must be non-empty and contain no whitespace');
  }
  if (!/^[A-Za-z0-9-]+$/.test(options.tenantId)) {
    throw new Error('emulator: the tenant id may hold only letters, digits and hyphens');
  }
  checkMaxPageSize(options.maxPageSize);
  checkRateLimit(options.rateLimit);
  checkLag(options.consistencyLagMs);
  checkLatency(options.latencyMs);
  return options;
}

export function checkMaxPageSize(value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new Error(`emulator: maxPageSize must be an integer from 1 to 100, got ${value}`);
  }
}

export function checkLag(value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`emulator: consistencyLagMs must be a non-negative integer, got ${value}`);
}

export function checkRateLimit(rateLimit: EmulatorOptions['rateLimit']): void {
  if (rateLimit === null) return;
  if (!(rateLimit.requestsPerSecond > 0) || !(rateLimit.burst >= 1)) {
    throw new Error('emulator: rateLimit needs requestsPerSecond > 0 and burst >= 1');
  }
}

export function checkLatency(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 60_000)
    throw new Error(`emulator: latencyMs must be an integer from 0 to 60000, got ${value}`);
}
