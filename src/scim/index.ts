export { ScimClient, type DeleteResult, type ScimClientOptions } from './client.js';
export {
  parseScimErrorBody,
  ScimError,
  ScimProtocolError,
  ScimTransportError,
  type HttpMethod,
  type ScimProtocolProblem,
} from './errors.js';
export {
  andFilter,
  eqFilter,
  type FilterAttribute,
  type GroupFilterAttribute,
  type UserFilterAttribute,
} from './filter.js';
export {
  pauseOnlyLimiter,
  TokenBucketLimiter,
  type LimiterStats,
  type RequestLimiter,
  type TokenBucketOptions,
} from './limiter.js';
export { fromScimGroup, fromScimUser, toScimGroup, toScimUser } from './map.js';
export { LEGACY_MAX_RESULTS, MAX_PAGE_SIZE } from './paging.js';
export {
  countMemberChanges,
  groupExternalIdPatch,
  MAX_MEMBERS_PER_PATCH,
  memberPatch,
  patchRequest,
  renameGroupPatch,
  userPatchOperations,
  type AttributeUpdate,
} from './patch.js';
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.js';
export type { PatchOperation } from './wire.js';
