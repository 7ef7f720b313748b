/**
 * Cursor paging for ListUsers and ListGroups (DG/listusers, DG/listgroups; RFC 9865).
 *
 * The first request sends an empty `cursor`, each later one `cursor=<nextCursor>`, all with the same
 * `filter` (changing it mid-walk is a 400). The walk ends only when `nextCursor` is absent: a page may
 * be shorter than `count` and still have one.
 */
import { ScimProtocolError } from './errors.js';

/** DG/listusers, DG/listgroups: `count` is 1–100, default 100. */
export const MAX_PAGE_SIZE = 100;

/**
 * The old ListUsers/ListGroups returned at most 50 results and no cursor (DG Document History,
 * 2021-04-09). Its `totalResults` reported the capped count, not the population (idp-scim-sync #45).
 */
export const LEGACY_MAX_RESULTS = 50;

export interface ListQuery {
  /** `null` for the first page. */
  cursor: string | null;
  count: number;
  filter?: string;
}

/**
 * `cursor&count=100&filter=…` for the first page, written exactly as the DG shows it (`…/Users?cursor`),
 * then `cursor=<encoded>&count=…`. Cursors match `[-a-zA-Z0-9+=/:_]*` (DG/listusers), so they are
 * percent-encoded: a raw `+` would arrive as a space.
 */
export function listQueryString(query: ListQuery): string {
  const parts = [
    query.cursor === null ? 'cursor' : `cursor=${encodeURIComponent(query.cursor)}`,
    `count=${query.count}`,
  ];
  if (query.filter !== undefined) parts.push(`filter=${encodeURIComponent(query.filter)}`);
  return parts.join('&');
}

export interface ListPage<T> {
  items: T[];
  nextCursor?: string;
  totalResults?: number;
  startIndex?: number;
}

/** Checks the ListResponse shape (RFC 7644 §3.4.2) and every resource in it. */
export function parseListResponse<T>(json: unknown, isItem: (value: unknown) => value is T, path: string): ListPage<T> {
  const malformed = (why: string) =>
    new ScimProtocolError('malformed-response', 'GET', path, `malformed ListResponse: ${why}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('not a JSON object');
  const body = json as Record<string, unknown>;
  const resources = body.Resources ?? [];
  if (!Array.isArray(resources)) throw malformed('Resources is not an array');
  if (!resources.every(isItem)) throw malformed('a resource lacks its id or required attributes');
  const page: ListPage<T> = { items: resources };
  if (typeof body.nextCursor === 'string' && body.nextCursor !== '') page.nextCursor = body.nextCursor;
  if (typeof body.totalResults === 'number') page.totalResults = body.totalResults;
  if (typeof body.startIndex === 'number') page.startIndex = body.startIndex;
  return page;
}

export interface WalkContext {
  /** Resource path for error messages, e.g. `/Users`. */
  path: string;
  pageSize: number;
}

/** Follows `nextCursor` until it is absent, refusing loops and listings that may have stopped early. */
export async function* walkCursorPages<T>(
  fetchPage: (cursor: string | null) => Promise<ListPage<T>>,
  context: WalkContext,
): AsyncGenerator<T, void, undefined> {
  const sent = new Set<string>();
  let cursor: string | null = null;
  let received = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    received += page.items.length;
    if (page.nextCursor === undefined) assertComplete(page, received, cursor === null, context);
    else if (sent.has(page.nextCursor)) {
      throw new ScimProtocolError(
        'repeated-cursor',
        'GET',
        context.path,
        'the server returned a cursor it had already returned; stopping to avoid an endless walk',
      );
    }
    yield* page.items;
    if (page.nextCursor === undefined) return;
    cursor = page.nextCursor;
    sent.add(cursor);
  }
}

/**
 * A last page is trusted only if nothing suggests it was cut short. A server that ignored `cursor`
 * answers in the non-cursor shape (`totalResults`/`startIndex`, DG/listusers); if that single page is
 * full, it may be the old 50-result cap, and treating it as complete makes every user beyond it look
 * missing. ssosync did exactly that, re-POSTed existing users and failed on 409 (ssosync #65, PR #77).
 * Failing the read is cheaper than planning from it.
 */
function assertComplete<T>(page: ListPage<T>, received: number, firstPage: boolean, context: WalkContext): void {
  if (page.totalResults !== undefined && page.totalResults > received) {
    throw incomplete(
      context,
      `the server reported ${page.totalResults} results but returned ${received} and no nextCursor`,
    );
  }
  const nonCursorShape = page.totalResults !== undefined || page.startIndex !== undefined;
  if (firstPage && nonCursorShape && page.items.length >= Math.min(LEGACY_MAX_RESULTS, context.pageSize)) {
    throw incomplete(
      context,
      `the server ignored cursor paging and returned a full page of ${page.items.length} results; the list may be truncated (old 50-result cap)`,
    );
  }
}

function incomplete(context: WalkContext, message: string): ScimProtocolError {
  return new ScimProtocolError('incomplete-listing', 'GET', context.path, message);
}
