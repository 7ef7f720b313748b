import type { Hash } from 'node:crypto';

/** String.prototype.isWellFormed (ES2024, in Node since 20); the compiler's lib is ES2023. */
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** A block goes to the hash once its structure or its text reaches this size. */
const BLOCK = 65_536;
/** Room for what one call writes to the structure before the size is checked (a few varints). */
const SLACK = 64;

/**
 * Writes values into a SHA-256 hash in blocks, each the byte length of its structure (an unsigned
 * LEB128 varint), the structure, then the text of the block's strings in WTF-8:
 *  - the structure holds, as varints, each string's length in UTF-16 code units (an optional one's
 *    plus one, 0 when absent), each list's count, and small markers (absent/present, false/true);
 *  - the text is the strings one after another. WTF-8 is UTF-8 except that a lone surrogate keeps
 *    its own three bytes instead of becoming U+FFFD, so it reads back to the same code units for
 *    every string (https://simonsapin.github.io/wtf-8/); for well-formed text it is Node's own UTF-8.
 * Read with the fixed field order of each operation kind, a block's structure gives the lengths of
 * its strings and so where its text ends and the next block starts: the input decodes one way only.
 * Strings are appended to one text and the structure to a reused buffer, so nothing is built per
 * value, and the long text is encoded natively instead of character by character.
 */
export class HashWriter {
  private readonly buf = new Uint8Array(BLOCK + SLACK);
  private pos = 0;
  private text = '';

  constructor(private readonly hash: Hash) {}

  str(s: string): void {
    this.varint(s.length);
    this.text += s;
    this.check();
  }

  opt(s: string | undefined): void {
    if (s === undefined) this.varint(0);
    else {
      this.varint(s.length + 1);
      this.text += s;
    }
    this.check();
  }

  flag(b: boolean | undefined): void {
    this.marker(b === undefined ? 0 : b ? 2 : 1);
  }

  /** One structure byte below 128: a kind's tag, or 0 for absent and 1 for present (a nested value follows). */
  marker(m: number): void {
    this.buf[this.pos++] = m;
    this.check();
  }

  count(n: number): void {
    this.varint(n);
    this.check();
  }

  /**
   * A list of references: its count, then the same bytes as `str(externalId)` and `opt(id)` for each
   * (blocks end at the same places), with the writer's state kept in locals, as a first sync writes
   * half a million of them.
   */
  refs(list: readonly { externalId: string; id?: string }[]): void {
    this.count(list.length);
    const buf = this.buf;
    let pos = this.pos;
    let text = this.text;
    for (const m of list) {
      const a = m.externalId;
      const b = m.id;
      pos = put(buf, pos, a.length);
      text += a;
      if (pos >= BLOCK || text.length >= BLOCK) {
        this.spill(pos, text);
        pos = 0;
        text = '';
      }
      if (b === undefined) buf[pos++] = 0;
      else {
        pos = put(buf, pos, b.length + 1);
        text += b;
      }
      if (pos >= BLOCK || text.length >= BLOCK) {
        this.spill(pos, text);
        pos = 0;
        text = '';
      }
    }
    this.pos = pos;
    this.text = text;
  }

  /** A free-form value as its key-sorted JSON. */
  json(value: unknown): void {
    this.str(JSON.stringify(sortedCopy(value) ?? null));
  }

  /**
   * The attributes of `record` outside the fixed list `known` (and not undefined), key-sorted: their
   * count, then each key and its value as JSON. Nearly every record has none, so no key list is built then.
   */
  others(record: object, known: ReadonlySet<string>): void {
    let keys: string[] | undefined;
    const values = record as Record<string, unknown>;
    for (const k in values) if (!known.has(k) && values[k] !== undefined) (keys ??= []).push(k);
    if (keys === undefined) return this.count(0);
    keys.sort();
    this.count(keys.length);
    for (const k of keys) {
      this.str(k);
      this.json(values[k]);
    }
  }

  flush(): void {
    if (this.pos === 0) return;
    const header = new Uint8Array(5);
    const h = put(header, 0, this.pos);
    this.hash.update(header.subarray(0, h));
    this.hash.update(this.buf.subarray(0, this.pos));
    if (wellFormed(this.text)) this.hash.update(this.text);
    else this.hash.update(wtf8(this.text));
    this.pos = 0;
    this.text = '';
  }

  /** Flushes a block whose state `refs` kept in locals. */
  private spill(pos: number, text: string): void {
    this.pos = pos;
    this.text = text;
    this.flush();
  }

  private check(): void {
    if (this.pos >= BLOCK || this.text.length >= BLOCK) this.flush();
  }

  private varint(n: number): void {
    this.pos = put(this.buf, this.pos, n);
  }
}

/** `n` as an unsigned LEB128 varint at `pos`; returns the position after it. */
function put(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 128) {
    buf[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** WTF-8 bytes of any string (well-formed or not); only used for text with a lone surrogate. */
function wtf8(s: string): Uint8Array {
  const out = new Uint8Array(3 * s.length);
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c < 0x80) out[p++] = c;
    else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
      out.set([0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)], p);
      p += 4;
    } else {
      out.set([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)], p);
      p += 3;
    }
  }
  return out.subarray(0, p);
}

/** A copy with object keys inserted in sorted order, which JSON.stringify then keeps. */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedCopy);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record).sort()) if (record[k] !== undefined) out[k] = sortedCopy(record[k]);
  return out;
}
