import { getDefaultHighWaterMark, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, isPlainToken, readBody, SecretMatcher, withDeadline } from './http.js';

/** A body that would be `total` bytes, counting how much was actually pulled from it. */
function countingStream(total: number, chunkSize = 16 * 1024): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled >= total) return void this.push(null);
      pulled += chunkSize;
      this.push(Buffer.alloc(chunkSize, 0x61));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('readBody', () => {
  it('returns a body within the limit', async () => {
    expect((await readBody(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), 100)).toString()).toBe('{"a":1}');
  });

  it('stops reading as soon as the limit is passed, without pulling the rest', async () => {
    const { stream, pulled } = countingStream(10 * 1024 * 1024);
    await expect(readBody(stream, 256 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The stream reads ahead up to its high-water mark once paused, and no further. The default mark
    // is 16 KiB on Node 20 and 64 KiB from Node 22 (https://github.com/nodejs/node/pull/52037).
    expect(pulled()).toBeLessThanOrEqual(256 * 1024 + 3 * getDefaultHighWaterMark(false));
  });

  it('refuses a declared length over the limit before reading a byte', async () => {
    const { stream, pulled } = countingStream(1024);
    await expect(readBody(stream, 100, 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulled()).toBe(0);
  });
});

describe('SecretMatcher', () => {
  const matcher = new SecretMatcher('the-real-secret-value');

  it('accepts only the exact value, whatever the length of a wrong one, without throwing', () => {
    expect(matcher.matches('the-real-secret-value')).toBe(true);
    for (const wrong of [
      '',
      'the-real-secret-valu',
      'the-real-secret-value ',
      'x'.repeat(10_000),
      'The-real-secret-value',
    ]) {
      expect(matcher.matches(wrong)).toBe(false);
    }
    for (const notText of [undefined, null, 42, ['the-real-secret-value'], { v: 'the-real-secret-value' }])
      expect(matcher.matches(notText)).toBe(false);
  });
});

describe('isPlainToken', () => {
  it('accepts printable text up to the cap and nothing with markup or control bytes', () => {
    expect(isPlainToken('Validation: Testing client application reachability', 1024)).toBe(true);
    expect(isPlainToken('a'.repeat(1025), 1024)).toBe(false);
    expect(isPlainToken('', 1024)).toBe(false);
    expect(isPlainToken('<b>', 1024)).toBe(false);
    expect(isPlainToken('a\r\nb', 1024)).toBe(false);
  });
});

describe('withDeadline', () => {
  it('rejects when the work is slower than the deadline', async () => {
    await expect(withDeadline(new Promise((resolve) => setTimeout(resolve, 200)), 20, 'slow work')).rejects.toThrow(
      'slow work did not finish in time',
    );
    await expect(withDeadline(Promise.resolve(7), 20, 'fast work')).resolves.toBe(7);
  });
});
