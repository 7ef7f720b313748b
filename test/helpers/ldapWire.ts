/**
 * Just enough RFC 4511 BER to watch and bend LDAP traffic in tests: split a byte stream into
 * LDAPMessages, name their protocolOp, rewrite a result code, decode the SearchRequests a client sent.
 */
import { BerReader, PresenceFilter, SearchRequest } from 'ldapts';

/** protocolOp tags (RFC 4511 §4.2–4.5, APPLICATION n). */
export const PROTOCOL_OP = {
  bindResponse: 0x61,
  searchRequest: 0x63,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  extendedResponse: 0x78,
} as const;

/** RFC 4511 §4.1.9 result codes used by the tests. */
export const RESULT_CODE = { success: 0, timeLimitExceeded: 3, sizeLimitExceeded: 4 } as const;

export interface LdapMessage {
  bytes: Buffer;
  messageId: number;
  protocolOp: number;
}

/** Complete messages at the start of `buffer`, and the incomplete remainder. */
export function frameMessages(buffer: Buffer): { messages: LdapMessage[]; rest: Buffer } {
  const messages: LdapMessage[] = [];
  let offset = 0;
  for (;;) {
    const header = readHeader(buffer, offset);
    if (header === undefined || offset + header.size + header.length > buffer.length) break;
    const bytes = buffer.subarray(offset, offset + header.size + header.length);
    messages.push({ bytes, ...readMessageIdAndOp(bytes, header.size) });
    offset += header.size + header.length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

/** A copy of an LDAPResult-carrying message (SearchResultDone, BindResponse, …) with another resultCode. */
export function withResultCode(message: LdapMessage, code: number): Buffer {
  const bytes = Buffer.from(message.bytes);
  const outer = readHeader(bytes, 0);
  const idHeader = outer && readHeader(bytes, outer.size);
  const opStart = outer && idHeader ? outer.size + idHeader.size + idHeader.length : -1;
  const opHeader = readHeader(bytes, opStart);
  const resultCodeAt = opStart + (opHeader?.size ?? 0);
  if (opHeader === undefined || bytes[resultCodeAt] !== 0x0a || bytes[resultCodeAt + 1] !== 0x01) {
    throw new Error('not an LDAPResult with a one-byte resultCode');
  }
  bytes[resultCodeAt + 2] = code;
  return bytes;
}

export interface DecodedSearch {
  baseDn: string;
  scope: string;
  /** The filter as sent, rendered in RFC 4515 string form (assertion values escaped). */
  filter: string;
}

export function decodeSearchRequests(messages: readonly LdapMessage[]): DecodedSearch[] {
  return messages
    .filter((m) => m.protocolOp === PROTOCOL_OP.searchRequest)
    .map((m) => {
      const reader = new BerReader(m.bytes);
      reader.readSequence();
      const messageId = reader.readInt() ?? 0;
      reader.readSequence();
      const request = new SearchRequest({ messageId, filter: new PresenceFilter({ attribute: 'objectClass' }) });
      request.parseMessage(reader);
      return { baseDn: request.baseDN, scope: request.scope, filter: request.filter.toString() };
    });
}

function readHeader(buffer: Buffer, offset: number): { size: number; length: number } | undefined {
  if (offset < 0 || offset + 2 > buffer.length) return undefined;
  const first = buffer[offset + 1] as number;
  if (first < 0x80) return { size: 2, length: first };
  const count = first & 0x7f;
  if (offset + 2 + count > buffer.length) return undefined;
  let length = 0;
  for (let i = 0; i < count; i += 1) length = length * 256 + (buffer[offset + 2 + i] as number);
  return { size: 2 + count, length };
}

function readMessageIdAndOp(bytes: Buffer, at: number): { messageId: number; protocolOp: number } {
  const idHeader = readHeader(bytes, at);
  if (idHeader === undefined) throw new Error('truncated LDAPMessage');
  let messageId = 0;
  for (let i = 0; i < idHeader.length; i += 1) messageId = messageId * 256 + (bytes[at + idHeader.size + i] as number);
  return { messageId, protocolOp: bytes[at + idHeader.size + idHeader.length] as number };
}
