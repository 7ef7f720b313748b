import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HashWriter } from './hash-writer.js';

/** The hex digest of the values written by `write`. */
function digest(write: (w: HashWriter) => void): string {
  const hash = createHash('sha256');
  const w = new HashWriter(hash);
  write(w);
  w.flush();
  return hash.digest('hex');
}

const strings = (values: string[]) => digest((w) => values.forEach((v) => w.str(v)));

describe('HashWriter', () => {
  it('keeps lone surrogates apart from U+FFFD, which plain UTF-8 would turn them into', () => {
    const hashes = ['\uD800', '\uDC00', '\uFFFD', '\uD83D\uDE00', '\uDE00\uD83D'].map((s) => strings([s]));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('writes a lone surrogate in WTF-8 and well-formed text in UTF-8', () => {
    // Built by hand: block header (structure length 1), the length 1, then the text's bytes.
    const by = (text: number[]) =>
      createHash('sha256')
        .update(Uint8Array.from([1, 1, ...text]))
        .digest('hex');
    expect(strings(['\uD800'])).toBe(by([0xed, 0xa0, 0x80]));
    expect(strings(['é'])).toBe(by([0xc3, 0xa9]));
    expect(strings(['\uD800'])).not.toBe(by([0xef, 0xbf, 0xbd]));
  });

  it('splits the same characters differently by the lengths alone', () => {
    expect(strings(['ab', 'c'])).not.toBe(strings(['a', 'bc']));
    expect(strings(['\uD83D', '\uDE00x'])).not.toBe(strings(['\uD83D\uDE00', 'x']));
    expect(strings(['a\u0000\u0001', ''])).not.toBe(strings(['a', '\u0000\u0001']));
  });

  it('keeps strings, counts and markers apart when the text spans many blocks', () => {
    const many = Array.from({ length: 30_000 }, (_, i) => `member-${i}`);
    const base = strings(many);
    const shifted = [...many];
    shifted[20_000] = 'member-2000';
    shifted[20_001] = `0${shifted[20_001]}`;
    expect(strings(shifted)).not.toBe(base);
    expect(strings(many)).toBe(base);
    const long = 'x'.repeat(200_000);
    expect(strings([long, 'a'])).not.toBe(strings([`${long}a`, '']));
  });

  it('writes a reference list as each reference written on its own, across blocks', () => {
    // Lengths vary so that blocks end after an externalId as well as after an id.
    const list = Array.from({ length: 2_000 }, (_, i) => {
      const externalId = `u${i}`.padEnd(50 + ((i * 37) % 900), 'x');
      return i % 3 ? { externalId, id: `id-${i}`.padEnd((i * 53) % 700, 'y') } : { externalId };
    });
    expect(digest((w) => w.refs(list))).toBe(
      digest((w) => {
        w.count(list.length);
        for (const r of list) {
          w.str(r.externalId);
          w.opt(r.id);
        }
      }),
    );
  });
});
