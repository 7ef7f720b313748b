import { BerWriter, type Filter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { configuredAnd } from './filters.js';
import { parseGuid } from './vendors.js';

/** The filter as RFC 4511 BER, i.e. the bytes that go on the wire. */
function ber(filter: Filter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}

/** equalityMatch [3] { attributeDesc OCTET STRING, assertionValue OCTET STRING } (RFC 4511 §4.5.1.7). */
function equalityMatch(attribute: string, value: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x04, attribute.length]),
    Buffer.from(attribute),
    Buffer.from([0x04, value.length]),
    value,
  ]);
  return Buffer.concat([Buffer.from([0xa3, body.length]), body]);
}

describe('configuredAnd', () => {
  it('renders injected filter syntax RFC 4515-escaped: * ( ) \\ NUL → \\2a \\28 \\29 \\5c \\00', () => {
    const filter = configuredAnd('(objectClass=inetOrgPerson)', 'uid', '*)(uid=*\\\0');
    expect(filter.toString()).toBe('(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a\\5c\\00))');
  });

  it('sends the value as one raw assertion value: a single equalityMatch, no presence filter', () => {
    const bytes = ber(configuredAnd('(objectClass=inetOrgPerson)', 'uid', '*)(uid=*'));
    expect(bytes.includes(equalityMatch('uid', Buffer.from('*)(uid=*')))).toBe(true);
    expect(bytes.includes(Buffer.from([0x87, 0x03, ...Buffer.from('uid')]))).toBe(false);
    expect(bytes[0]).toBe(0xa0);
  });

  it('carries binary values (objectGUID bytes ≥ 0x80) unchanged, which string filters cannot', () => {
    const guid = parseGuid('be7d0244-00d1-4e8a-9f2c-1a2b3c4d5e6f') as Buffer;
    const bytes = ber(configuredAnd('(objectClass=user)', 'objectGUID', guid));
    expect(bytes.includes(equalityMatch('objectGUID', guid))).toBe(true);
  });

  it('keeps non-ASCII text as UTF-8', () => {
    const bytes = ber(configuredAnd('(objectClass=person)', 'cn', 'José'));
    expect(bytes.includes(equalityMatch('cn', Buffer.from('José', 'utf8')))).toBe(true);
  });
});
