import { describe, expect, it } from 'vitest';
import { decodeMembers, encodeMembers } from './member-set.js';

describe('member set encoding', () => {
  it('round-trips a set as sorted unique externalIds, compactly', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `icsync:corp-ad:user-${(i * 7919) % 20_000}`);
    const encoded = encodeMembers([...ids, ids[0]!]);
    expect(decodeMembers(encoded)).toEqual([...new Set(ids)].sort());
    expect(encoded.length).toBeLessThan(ids.join('\n').length / 4);
    expect(decodeMembers(encodeMembers([]))).toEqual([]);
  });

  it('answers undefined for a value that does not decode', () => {
    expect(decodeMembers('***')).toBeUndefined();
  });
});
