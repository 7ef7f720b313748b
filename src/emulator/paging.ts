import { createHash } from 'node:crypto';
import { SCHEMA_LIST_RESPONSE, type ScimListResponse } from '../scim/wire.js';
import { invalid } from './errors.js';
import type { ResultSet } from './result-set.js';
import type { EmulatorOptions } from './types.js';

/**
 * ListUsers/ListGroups paging (DG/listusers, DG/listgroups): `count` 1–100 (default 100); a `cursor`
 * parameter, empty on the first call, switches to the cursor shape with `nextCursor` omitted on the last
 * page; without it there is one page only. A cursor is bound to the filter it was issued for.
 */

export const MAX_COUNT = 100;
/** DG/document-history 2021-04-09: the old endpoint returned at most 50 results and had no cursor. */
export const LEGACY_CAP = 50;

export interface ListQuery {
  filter: string | null;
  count: number;
  /** null when the `cursor` parameter is absent; '' on the first call of a cursor walk. */
  cursor: string | null;
}

/**
 * DG/listusers lists `startIndex`, `attributes` and `excludedAttributes` as not supported; they are refused
 * (400) rather than ignored, so a client that relies on them fails loudly. `startIndex=1` is the default and
 * changes nothing, so it is accepted. Sorting is not advertised either.
 */
const UNSUPPORTED_PARAMS = ['attributes', 'excludedAttributes', 'sortBy', 'sortOrder'];

export function readListQuery(query: URLSearchParams): ListQuery {
  for (const name of UNSUPPORTED_PARAMS) {
    if (query.has(name)) throw invalid(`${name}: not supported`);
  }
  const startIndex = query.get('startIndex');
  if (startIndex !== null && startIndex !== '1') throw invalid('startIndex: not supported');
  return { filter: query.get('filter'), count: readCount(query.get('count')), cursor: query.get('cursor') };
}

function readCount(raw: string | null): number {
  if (raw === null) return MAX_COUNT;
  const count = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) throw invalid('count: outside 1-100');
  return count;
}

const CURSOR_VERSION = 1;
const CURSOR_BYTES = 13;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function filterHash(resource: string, filter: string | null): Buffer {
  return createHash('sha256')
    .update(`${resource}\n${filter ?? ''}`)
    .digest()
    .subarray(0, 8);
}

/** Opaque to clients, in the documented alphabet `[-a-zA-Z0-9+=/:_]*`: version, offset, filter hash. */
export function encodeCursor(resource: string, filter: string | null, offset: number): string {
  const payload = Buffer.alloc(CURSOR_BYTES);
  payload.writeUInt8(CURSOR_VERSION, 0);
  payload.writeUInt32BE(offset, 1);
  filterHash(resource, filter).copy(payload, 5);
  return payload.toString('base64');
}

/** DG/listusers error table: changing the filter during one paged walk is a 400 ValidationException. */
export function decodeCursor(resource: string, filter: string | null, cursor: string): number {
  if (cursor === '') return 0;
  const payload = BASE64.test(cursor) ? Buffer.from(cursor, 'base64') : Buffer.alloc(0);
  if (payload.length !== CURSOR_BYTES || payload.readUInt8(0) !== CURSOR_VERSION) throw invalid('cursor: malformed');
  if (!payload.subarray(5).equals(filterHash(resource, filter))) throw invalid('cursor: issued for another filter');
  return payload.readUInt32BE(1);
}

export type PagingOptions = Pick<EmulatorOptions, 'paging' | 'maxPageSize'>;

export function listResponse<T>(
  resource: string,
  query: ListQuery,
  results: ResultSet<T>,
  options: PagingOptions,
): ScimListResponse<T> {
  if (options.paging === 'legacy50') return legacyPage(query, results);
  const pageSize = Math.min(query.count, options.maxPageSize);
  if (query.cursor === null) {
    const items = results.slice(0, pageSize);
    return {
      totalResults: results.size,
      itemsPerPage: items.length,
      startIndex: 1,
      schemas: [SCHEMA_LIST_RESPONSE],
      Resources: items,
    };
  }
  const offset = decodeCursor(resource, query.filter, query.cursor);
  const items = results.slice(offset, pageSize);
  const next = offset + items.length;
  return {
    itemsPerPage: items.length,
    ...(next < results.size ? { nextCursor: encodeCursor(resource, query.filter, next) } : {}),
    schemas: [SCHEMA_LIST_RESPONSE],
    Resources: items,
  };
}

/**
 * The pre-cursor endpoint: the cursor is ignored and `totalResults` reports the capped count, which is what
 * made peers stop at 50 users and re-POST the rest (slashdevops/idp-scim-sync#45, awslabs/ssosync#77).
 */
function legacyPage<T>(query: ListQuery, results: ResultSet<T>): ScimListResponse<T> {
  const items = results.slice(0, Math.min(query.count, LEGACY_CAP));
  return {
    totalResults: items.length,
    itemsPerPage: items.length,
    startIndex: 1,
    schemas: [SCHEMA_LIST_RESPONSE],
    Resources: items,
  };
}
