import { describe, expect, it } from 'vitest';
import { MemoryDedupe } from './dedupe.js';

describe('MemoryDedupe', () => {
  it('sees a key once per TTL, and again after it expires or is forgotten', async () => {
    let now = 0;
    const dedupe = new MemoryDedupe(() => now);
    expect(await dedupe.firstSeen('okta:a', 60)).toBe(true);
    expect(await dedupe.firstSeen('okta:a', 60)).toBe(false);
    now = 61_000;
    expect(await dedupe.firstSeen('okta:a', 60)).toBe(true);
    await dedupe.forget('okta:a');
    expect(await dedupe.firstSeen('okta:a', 60)).toBe(true);
    expect(await dedupe.firstSeen('okta:b', 60)).toBe(true);
  });
});
