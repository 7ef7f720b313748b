import { SyncError } from '../errors.js';
import { scrub } from '../log/scrub.js';
import { parseRetryAfter } from './retry-after.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a SCIM error body (RFC 7644 §3.12, or the AWS variant) told us, every field optional. */
export interface ParsedErrorBody {
  status?: number;
  scimType?: string;
  detail?: string;
  exceptionRequestId?: string;
}

/**
 * Reads an error body leniently. AWS sends `schema` and/or `schemas`, `status` as a string, plus `exceptionRequestId`
 * and `timeStamp` (bodies captured in https://github.com/slashdevops/idp-scim-sync/issues/45 and /issues/62); RFC
 * 7644 §3.12 allows `scimType`, and some servers send `status` as a number. Unknown keys are ignored, and a body that
 * is not JSON at all (an HTML page from a proxy or load balancer) yields an empty result instead of an exception.
 */
export function parseScimErrorBody(text: string): ParsedErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  const body = json as Record<string, unknown>;
  const out: ParsedErrorBody = {};
  const status = typeof body.status === 'string' ? Number.parseInt(body.status, 10) : body.status;
  if (typeof status === 'number' && Number.isInteger(status)) out.status = status;
  if (typeof body.scimType === 'string') out.scimType = body.scimType;
  if (typeof body.detail === 'string') out.detail = body.detail;
  if (typeof body.exceptionRequestId === 'string') out.exceptionRequestId = body.exceptionRequestId;
  return out;
}

/**
 * Why a 404 means "wrong endpoint" rather than "no such resource":
 * - `tenant-missing`: AWS answered `"detail":"TENANT does not exist."` for an unknown tenant id in the
 *   base URL (https://github.com/slashdevops/idp-scim-sync/issues/42);
 * - `base-path`: a 404 on a collection itself (`/Users`, `/Groups`), which exists on every tenant.
 * Both stop the run like rejected credentials (exit 5): nothing later can succeed.
 */
export type EndpointProblem = 'tenant-missing' | 'base-path';

/** The captured detail of an unknown tenant; compared case-insensitively, trailing dot optional. */
const TENANT_MISSING = /^tenant does not exist\.?$/i;

export function isTenantMissing(status: number, detail: string | undefined): boolean {
  return status === 404 && detail !== undefined && TENANT_MISSING.test(detail.trim());
}

/** For the transport: a 404 the caller may not swallow as "not found", because it names the tenant. */
export function isTenantMissingBody(status: number, bodyText: string): boolean {
  return status === 404 && isTenantMissing(status, parseScimErrorBody(bodyText).detail);
}

export interface ScimErrorInit {
  method: HttpMethod;
  /** Resource path below the base URL, without the query string: filters can carry names and emails. */
  path: string;
  status: number;
  scimType?: string;
  detail?: string;
  requestId?: string;
  retryAfterMs?: number;
  endpoint?: EndpointProblem;
}

/** The endpoint answered with a non-success status. */
export class ScimError extends SyncError {
  readonly status: number;
  readonly method: HttpMethod;
  readonly path: string;
  readonly scimType?: string;
  readonly detail?: string;
  /** `x-amzn-RequestId`, or the body's `exceptionRequestId`. AWS Support needs it to trace the call. */
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  /** Set when the answer says the base URL (tenant id) is wrong, not that a resource is missing. */
  readonly endpoint?: EndpointProblem;

  constructor(init: ScimErrorInit) {
    super(
      init.status === 401 || init.status === 403 || init.endpoint !== undefined ? 'CREDENTIALS_INVALID' : 'SCIM_ERROR',
      describe(init),
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    if (init.scimType !== undefined) this.scimType = init.scimType;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.endpoint !== undefined) this.endpoint = init.endpoint;
  }

  /** The same answer, recognised by the caller as naming a wrong endpoint. */
  asEndpointProblem(endpoint: EndpointProblem): ScimError {
    const init: ScimErrorInit = { method: this.method, path: this.path, status: this.status, endpoint };
    if (this.scimType !== undefined) init.scimType = this.scimType;
    if (this.detail !== undefined) init.detail = this.detail;
    if (this.requestId !== undefined) init.requestId = this.requestId;
    return new ScimError(init);
  }

  get isThrottle(): boolean {
    return this.status === 429;
  }
  /** Credentials or endpoint: nothing later in the run can succeed, so it stops at once. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403 || this.endpoint !== undefined;
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
  /** A missing resource; a 404 that names a wrong tenant or base path is not one. */
  get isNotFound(): boolean {
    return this.status === 404 && this.endpoint === undefined;
  }
  get isServer(): boolean {
    return this.status >= 500;
  }
  get isValidation(): boolean {
    return this.status === 400;
  }
  /** Throttling and server faults may succeed later; every other status is deterministic. */
  get retryable(): boolean {
    return this.isThrottle || this.isServer;
  }
}

export interface ErrorResponse {
  method: HttpMethod;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
  /** Literal values (the bearer token) that must never appear in a message, even if a server echoes them. */
  secrets: readonly string[];
  now?: number;
}

export function scimErrorFromResponse(res: ErrorResponse): ScimError {
  const body = parseScimErrorBody(res.bodyText);
  const init: ScimErrorInit = { method: res.method, path: res.path, status: res.status };
  if (body.scimType !== undefined) init.scimType = scrub(body.scimType, res.secrets);
  if (body.detail !== undefined) init.detail = scrub(body.detail, res.secrets);
  const requestId = headerValue(res.headers, 'x-amzn-requestid') ?? body.exceptionRequestId;
  if (requestId !== undefined) init.requestId = requestId;
  const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'), res.now);
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
  if (isTenantMissing(res.status, body.detail)) init.endpoint = 'tenant-missing';
  return new ScimError(init);
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(init: ScimErrorInit): string {
  const parts = [`SCIM ${init.method} ${init.path} failed with HTTP ${init.status}`];
  if (init.scimType !== undefined) parts.push(`(${init.scimType})`);
  let message = parts.join(' ');
  if (init.detail !== undefined) message += `: ${init.detail}`;
  const hint = init.endpoint === undefined ? hintFor(init.status) : ENDPOINT_HINT;
  if (hint !== undefined) message += `. ${hint}`;
  if (init.requestId !== undefined) message += ` [requestId ${init.requestId}]`;
  return message;
}

const ENDPOINT_HINT =
  'AWS does not know this SCIM endpoint: check the tenant id in the SCIM endpoint URL (target.baseUrl, https://scim.<region>.amazonaws.com/<tenant id>/scim/v2, ' +
  'copied from IAM Identity Center → Settings → Automatic provisioning)';

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403) {
    return 'Check the SCIM access token (tokens expire one year after creation) and the tenant id in the base URL';
  }
  if (status >= 300 && status < 400)
    return 'Redirects are not followed, so the token is never sent to another host; check the base URL';
  if (status === 429) return 'IAM Identity Center is throttling; lower the request rate';
  return undefined;
}

/** Codes that mean the connection was never established, so no request byte reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The request failed below HTTP: reset, closed socket, timeout, DNS, refused connection.
 * `maybeCommitted` tells the executor whether a write may have taken effect anyway, in which case it
 * must re-read the target before deciding to retry (a blind re-POST gives 409, ssosync #77).
 */
export class ScimTransportError extends SyncError {
  readonly method: HttpMethod;
  readonly path: string;
  readonly maybeCommitted: boolean;
  /** `ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, …, when the cause carried one. */
  readonly causeCode?: string;
  /** The endpoint's host, so the operator's message names what could not be reached. */
  readonly host?: string;

  constructor(method: HttpMethod, path: string, cause: unknown, secrets: readonly string[], host?: string) {
    const causeCode = errorCode(cause);
    const reason = scrub(cause instanceof Error ? cause.message : String(cause), secrets);
    super(
      'SCIM_TRANSPORT',
      `SCIM ${method} ${path} failed before a response arrived (${causeCode ?? 'network error'}): ${reason}`,
      {
        cause,
      },
    );
    this.method = method;
    this.path = path;
    this.maybeCommitted = method !== 'GET' && (causeCode === undefined || !NOT_SENT_CODES.has(causeCode));
    if (causeCode !== undefined) this.causeCode = causeCode;
    if (host !== undefined) this.host = host;
  }
}

/**
 * undici wraps socket errors (`UND_ERR_SOCKET` with the errno error as `cause`), and Node's
 * happy-eyeballs connect reports an AggregateError; the most specific errno code wins.
 */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const inner = errorCode(cause, depth + 1) ?? (Array.isArray(errors) ? errorCode(errors[0], depth + 1) : undefined);
  const own = typeof code === 'string' ? code : undefined;
  if (own === undefined || own === 'UND_ERR_SOCKET') return inner ?? own;
  return own;
}

export type ScimProtocolProblem = 'repeated-cursor' | 'incomplete-listing' | 'malformed-response';

/**
 * The endpoint answered 2xx, but the answer cannot be trusted: a paging walk that would loop or
 * that may have stopped early, or a body that is not the documented shape. A sync must not plan
 * from such a read, because a missing user looks like one to create (ssosync #65/#77: 409 loops).
 */
export class ScimProtocolError extends SyncError {
  readonly problem: ScimProtocolProblem;
  readonly method: HttpMethod;
  readonly path: string;

  constructor(problem: ScimProtocolProblem, method: HttpMethod, path: string, message: string) {
    super('SCIM_ERROR', `SCIM ${method} ${path}: ${message}`);
    this.problem = problem;
    this.method = method;
    this.path = path;
  }
}

/**
 * A request body carried a value AWS rejects (`< > ; : %`, tab, CR, LF, control characters), so it
 * was not sent. Names the attribute, never the value. Deterministic: no retry can fix it.
 */
export class UnsendableValueError extends SyncError {
  readonly method: HttpMethod;
  readonly path: string;
  readonly attribute: string;

  constructor(method: HttpMethod, path: string, attribute: string) {
    super(
      'SCIM_ERROR',
      `SCIM ${method} ${path} not sent: attribute ${attribute} holds a character IAM Identity Center rejects (< > ; : % tab CR LF control)`,
    );
    this.method = method;
    this.path = path;
    this.attribute = attribute;
  }
}
