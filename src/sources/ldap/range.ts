import type { LdapDirectory } from './client.js';
import { values, withValues, type AttributeValue, type LdapEntry } from './entry.js';
import { anyObject } from './filters.js';

/**
 * AD range retrieval (MS-ADTS 3.1.1.3.1.3.3). When a multi-valued attribute holds more
 * values than MaxValRange (1500 by default), AD returns the first slice under `member;range=0-1499` and
 * leaves plain `member` empty; the rest is read with base-scope searches for `member;range=<next>-*`
 * until a slice ends in `*`. Stopping early would drop members, which the planner would then remove,
 * so every irregular answer is an error.
 */

export class RangeRetrievalError extends Error {
  constructor(dn: string, attribute: string, problem: string) {
    super(`range retrieval of ${attribute} on "${dn}": ${problem}`);
    this.name = 'RangeRetrievalError';
  }
}

interface RangeSlice {
  low: number;
  /** `undefined` for `*`: the last slice. */
  high: number | undefined;
  values: readonly AttributeValue[];
}

/** `entry` with every value of each of `attributes`, following range retrieval where the server started it. */
export async function completeRangedAttributes(
  directory: LdapDirectory,
  entry: LdapEntry,
  attributes: readonly string[],
  maxIterations: number,
): Promise<LdapEntry> {
  let complete = entry;
  for (const attribute of attributes) {
    const first = findSlice(entry, attribute);
    if (first === undefined) continue;
    const all = await followRange(directory, entry.dn, attribute, first, maxIterations);
    complete = withValues(complete, attribute, all);
  }
  return complete;
}

async function followRange(
  directory: LdapDirectory,
  dn: string,
  attribute: string,
  first: RangeSlice,
  maxIterations: number,
): Promise<AttributeValue[]> {
  const collected = [...first.values];
  let slice = first;
  for (let iteration = 1; slice.high !== undefined; iteration += 1) {
    if (iteration > maxIterations)
      throw new RangeRetrievalError(dn, attribute, `more than ${maxIterations} follow-up reads`);
    const low = slice.high + 1;
    const next = await readSlice(directory, dn, attribute, low);
    if (next.low !== low)
      throw new RangeRetrievalError(dn, attribute, `asked for values from ${low}, got a slice from ${next.low}`);
    if (next.high !== undefined && next.high < next.low) {
      throw new RangeRetrievalError(dn, attribute, `slice ${next.low}-${next.high} does not advance`);
    }
    collected.push(...next.values);
    slice = next;
  }
  return collected;
}

async function readSlice(directory: LdapDirectory, dn: string, attribute: string, low: number): Promise<RangeSlice> {
  const entry = await directory.readEntry({
    dn,
    filter: anyObject(),
    attributes: [`${attribute};range=${low}-*`],
    binaryAttributes: [],
  });
  if (entry === undefined) throw new RangeRetrievalError(dn, attribute, 'the entry disappeared during the read');
  const slice = findSlice(entry, attribute);
  if (slice === undefined) throw new RangeRetrievalError(dn, attribute, `the server returned no slice for ${low}-*`);
  return slice;
}

/** The ranged key of `attribute` on `entry`, if the server returned one. Keys are matched by prefix. */
function findSlice(entry: LdapEntry, attribute: string): RangeSlice | undefined {
  const prefix = `${attribute.toLowerCase()};range=`;
  for (const key of entry.attributes.keys()) {
    if (!key.startsWith(prefix)) continue;
    const bounds = /^(\d+)-(\d+|\*)$/.exec(key.slice(prefix.length));
    if (bounds === null) continue;
    const [, low = '', high = ''] = bounds;
    return {
      low: Number(low),
      high: high === '*' ? undefined : Number(high),
      values: values(entry, key),
    };
  }
  return undefined;
}
