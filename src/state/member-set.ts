import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A group's member set as the state stores it: the sorted, de-duplicated member externalIds, one per
 * line, deflated and base64-encoded. Sorted ids share long prefixes, so 500,000 memberships take a
 * few MB in the state file or Redis value instead of tens. externalIds never hold a line break: every
 * value sent to AWS passes the character check, which refuses control characters.
 */
export function encodeMembers(externalIds: Iterable<string>): string {
  const sorted = [...new Set(externalIds)].sort();
  return deflateRawSync(Buffer.from(sorted.join('\n'), 'utf8')).toString('base64');
}

/** The member externalIds of an encoded set; undefined when the value cannot be decoded (suspect state). */
export function decodeMembers(encoded: string): string[] | undefined {
  try {
    const text = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
    return text === '' ? [] : text.split('\n');
  } catch {
    return undefined;
  }
}
