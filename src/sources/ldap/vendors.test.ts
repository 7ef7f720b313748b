import { describe, expect, it } from 'vitest';
import { toLdapEntry } from './entry.js';
import { activeDirectoryVendor, detectVendor, formatGuid, openLdapVendor, parseGuid } from './vendors.js';

const SEQUENTIAL = Buffer.from([...Array(16).keys()]);

describe('objectGUID', () => {
  it('formats bytes 0–3, 4–5 and 6–7 reversed and 8–15 in order', () => {
    expect(formatGuid(SEQUENTIAL)).toBe('03020100-0504-0706-0809-0a0b0c0d0e0f');
  });

  it('round-trips through parseGuid, whatever the case of the string', () => {
    const guid = 'BE7D0244-00D1-4E8A-9F2C-1A2B3C4D5E6F';
    const bytes = parseGuid(guid);
    expect(bytes?.length).toBe(16);
    expect(formatGuid(bytes as Buffer)).toBe(guid.toLowerCase());
    expect(parseGuid(formatGuid(SEQUENTIAL))).toEqual(SEQUENTIAL);
  });

  it('refuses anything that is not 16 bytes or a GUID string', () => {
    expect(() => formatGuid(Buffer.alloc(15))).toThrow(RangeError);
    expect(parseGuid('*')).toBeUndefined();
    expect(parseGuid('03020100-0504-0706-0809-0a0b0c0d0e0')).toBeUndefined();
    expect(activeDirectoryVendor.decodeId('03020100-0504-0706-0809-0a0b0c0d0e0f')).toBeUndefined();
    expect(activeDirectoryVendor.decodeId(Buffer.alloc(8))).toBeUndefined();
    expect(activeDirectoryVendor.decodeId(SEQUENTIAL)).toBe('03020100-0504-0706-0809-0a0b0c0d0e0f');
  });
});

describe('entryUUID', () => {
  it('accepts an RFC 4530 UUID string and nothing else', () => {
    expect(openLdapVendor.decodeId('b7450788-7c92-1041-8967-99a5b3e6f164')).toBe(
      'b7450788-7c92-1041-8967-99a5b3e6f164',
    );
    expect(openLdapVendor.decodeId('not a uuid')).toBeUndefined();
    expect(openLdapVendor.decodeId(Buffer.from('b7450788-7c92-1041-8967-99a5b3e6f164'))).toBeUndefined();
  });
});

describe('detectVendor', () => {
  const rootDse = (attributes: Record<string, string | string[]>) => toLdapEntry({ dn: '', ...attributes });

  it('recognises AD by forestFunctionality, isGlobalCatalogReady or the AD capability OID', () => {
    expect(detectVendor(rootDse({ forestFunctionality: '7' })).name).toBe('activedirectory');
    expect(detectVendor(rootDse({ isGlobalCatalogReady: 'TRUE' })).name).toBe('activedirectory');
    expect(
      detectVendor(rootDse({ supportedCapabilities: ['1.2.840.113556.1.4.1670', '1.2.840.113556.1.4.800'] })).name,
    ).toBe('activedirectory');
  });

  it('treats everything else, including an unreadable RootDSE, as OpenLDAP', () => {
    expect(detectVendor(rootDse({ forestFunctionality: [], supportedCapabilities: [] })).name).toBe('openldap');
    expect(detectVendor(undefined).name).toBe('openldap');
  });
});
