import { SCHEMA_ERROR, type ScimErrorBody } from '../scim/wire.js';

/**
 * Error replies in the shape the live endpoint sends (captured in
 * https://github.com/slashdevops/idp-scim-sync/issues/62 and https://github.com/mitodl/keycloak-scim/issues/73):
 * both `schema` and `schemas`, `status` as a string, `detail`, `exceptionRequestId`, `timeStamp`, and no `scimType`.
 */

/** The generic 400 detail; AWS puts the specific reason only in CloudTrail (UG/idp-microsoft-entra). */
export const DETAIL_INVALID = 'Request is unparsable, syntactically incorrect, or violates schema.';
/** UG/troubleshooting "Duplicate user or group error"; captured body in slashdevops/idp-scim-sync#45. */
export const DETAIL_DUPLICATE = 'Refused to create a new, duplicate resource.';
/** Captured in mitodl/keycloak-scim#73 for `replace` on `members`. */
export const DETAIL_REPLACE_MEMBERS = 'Replacing group memberships is not supported.';
/** The captured answer to a path-less operation touching two attributes (https://github.com/goauthentik/authentik/issues/12321). */
export const DETAIL_PATHLESS_MULTI =
  'Current PATCH support allows omitting "path" attribute only for Add and Replace operations modifying a single attribute.';
/** The captured answer for an unknown tenant id in the base URL (https://github.com/slashdevops/idp-scim-sync/issues/42). */
export const DETAIL_TENANT_MISSING = 'TENANT does not exist.';
/** DG/deleteuser, DG/deletegroup error tables. */
export const DETAIL_NO_USER = 'Specified user does not exist';
export const DETAIL_NO_GROUP = 'Specified group does not exist';
/** DG/listusers error table (429 ThrottlingException). */
export const DETAIL_THROTTLED = 'Too many requests exceeded the limits';

const DETAIL_BY_STATUS: Record<number, string> = {
  400: DETAIL_INVALID,
  401: 'The request is not authorized: the bearer token or the tenant is not valid',
  403: 'Access denied',
  404: 'Resource not found',
  409: DETAIL_DUPLICATE,
  429: DETAIL_THROTTLED,
  500: 'An internal error occurred',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

export function defaultDetail(status: number): string {
  return DETAIL_BY_STATUS[status] ?? 'An internal error occurred';
}

/**
 * A refusal the emulator answers with an AWS error body. `reason` says which rule fired; it goes to
 * the request log only, because AWS itself answers with the generic detail.
 */
export class ScimError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly reason: string;

  constructor(status: number, reason: string, detail: string = defaultDetail(status)) {
    super(`${status}: ${reason}`);
    this.status = status;
    this.detail = detail;
    this.reason = reason;
    this.name = 'ScimError';
  }
}

export function invalid(reason: string): ScimError {
  return new ScimError(400, reason);
}

export function duplicate(reason: string): ScimError {
  return new ScimError(409, reason);
}

export function userNotFound(): ScimError {
  return new ScimError(404, 'user not found', DETAIL_NO_USER);
}

export function groupNotFound(): ScimError {
  return new ScimError(404, 'group not found', DETAIL_NO_GROUP);
}

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC, as in the captured bodies. */
export function awsTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

export function errorBody(status: number, detail: string, requestId: string, at = new Date()): ScimErrorBody {
  return {
    schema: [SCHEMA_ERROR],
    schemas: [SCHEMA_ERROR],
    detail,
    status: String(status),
    exceptionRequestId: requestId,
    timeStamp: awsTimestamp(at),
  };
}
