/**
 * The matches of one list request, sliceable without copying the whole population: a page of a
 * 50,000-user list or a 20,000-member group costs the page, not the population.
 */
export interface ResultSet<T> {
  readonly size: number;
  slice(offset: number, limit: number): T[];
}

export function resultFromArray<T>(items: readonly T[]): ResultSet<T> {
  return { size: items.length, slice: (offset, limit) => items.slice(offset, offset + limit) };
}

/** For Sets and Maps, which keep insertion order but cannot seek: skips `offset` entries, stops after `limit`. */
export function resultFromIterable<T>(size: number, iterate: () => Iterable<T>): ResultSet<T> {
  return {
    size,
    slice(offset, limit) {
      const page: T[] = [];
      let index = 0;
      for (const item of iterate()) {
        if (page.length >= limit) break;
        if (index >= offset) page.push(item);
        index += 1;
      }
      return page;
    },
  };
}

export function mapResult<T, U>(set: ResultSet<T>, map: (item: T) => U): ResultSet<U> {
  return { size: set.size, slice: (offset, limit) => set.slice(offset, limit).map(map) };
}
