import { describe, expect, it } from 'vitest';
import { ScimProtocolError } from './errors.js';
import { LEGACY_MAX_RESULTS, listQueryString, parseListResponse, walkCursorPages, type ListPage } from './paging.js';

const isString = (v: unknown): v is string => typeof v === 'string';

async function walk(
  pages: Array<ListPage<string>>,
  pageSize = 100,
): Promise<{ items: string[]; cursors: Array<string | null> }> {
  const cursors: Array<string | null> = [];
  const items: string[] = [];
  let i = 0;
  const fetchPage = async (cursor: string | null) => {
    cursors.push(cursor);
    const page = pages[i++];
    if (page === undefined) throw new Error('walked past the last scripted page');
    return page;
  };
  for await (const item of walkCursorPages(fetchPage, { path: '/Users', pageSize })) items.push(item);
  return { items, cursors };
}

describe('listQueryString', () => {
  it('writes the first cursor empty, as the DG does', () => {
    expect(listQueryString({ cursor: null, count: 100 })).toBe('cursor&count=100');
  });

  it('percent-encodes cursor and filter', () => {
    expect(listQueryString({ cursor: 'a+b/c=', count: 5, filter: 'userName eq "x&y"' })).toBe(
      'cursor=a%2Bb%2Fc%3D&count=5&filter=userName%20eq%20%22x%26y%22',
    );
  });
});

describe('walkCursorPages', () => {
  it('follows nextCursor through short and empty pages until it is absent', async () => {
    const { items, cursors } = await walk(
      [{ items: ['a', 'b'], nextCursor: 'c1' }, { items: [], nextCursor: 'c2' }, { items: ['c'] }],
      2,
    );
    expect(items).toEqual(['a', 'b', 'c']);
    expect(cursors).toEqual([null, 'c1', 'c2']);
  });

  it('throws on a cursor seen before, even a non-adjacent one', async () => {
    const pages = [
      { items: ['a'], nextCursor: 'c1' },
      { items: ['b'], nextCursor: 'c2' },
      { items: ['c'], nextCursor: 'c1' },
    ];
    await expect(walk(pages)).rejects.toMatchObject({ problem: 'repeated-cursor' });
  });

  it('throws when totalResults says more exist than were returned', async () => {
    await expect(walk([{ items: ['a'], totalResults: 2 }])).rejects.toBeInstanceOf(ScimProtocolError);
  });

  it('throws on a full non-cursor page (the old 50 cap), reporting nothing as complete', async () => {
    const fifty = Array.from({ length: LEGACY_MAX_RESULTS }, (_, i) => `u${i}`);
    await expect(walk([{ items: fifty, totalResults: 50, startIndex: 1 }])).rejects.toMatchObject({
      problem: 'incomplete-listing',
    });
  });

  it('accepts a non-cursor page below both caps', async () => {
    const { items } = await walk([{ items: ['a', 'b'], totalResults: 2, startIndex: 1 }]);
    expect(items).toEqual(['a', 'b']);
  });

  it('accepts a full last page of a cursor walk', async () => {
    const full = Array.from({ length: 100 }, (_, i) => `u${i}`);
    const { items } = await walk([{ items: full, nextCursor: 'c' }, { items: full }]);
    expect(items).toHaveLength(200);
  });
});

describe('parseListResponse', () => {
  it('reads the cursor shape and treats a missing Resources as empty', () => {
    expect(parseListResponse({ itemsPerPage: 0, nextCursor: 'n' }, isString, '/Users')).toEqual({
      items: [],
      nextCursor: 'n',
    });
  });

  it('treats an empty nextCursor as the end', () => {
    expect(parseListResponse({ Resources: ['a'], nextCursor: '' }, isString, '/Users')).toEqual({ items: ['a'] });
  });

  it('rejects non-objects, non-array Resources and bad items', () => {
    expect(() => parseListResponse('x', isString, '/Users')).toThrow(/not a JSON object/);
    expect(() => parseListResponse({ Resources: {} }, isString, '/Users')).toThrow(/not an array/);
    expect(() => parseListResponse({ Resources: [1] }, isString, '/Users')).toThrow(/resource/);
  });
});
