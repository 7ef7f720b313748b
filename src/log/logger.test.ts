import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub, scrubError } from './logger.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('works without secrets', () => {
    const out = capture();
    createLogger({ destination: out.stream }).info({ users: 3 }, 'read');
    expect(JSON.parse(out.lines()[0]!)).toMatchObject({ users: 3, msg: 'read' });
  });

  it('redacts secret paths and scrubs known secret values anywhere', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, secrets: ['canary-token-123'] });
    log.info({ headers: { authorization: 'Bearer xyz' }, config: { clientSecret: 's3cr3t' } }, 'request');
    log.error({ err: new Error('failed with canary-token-123 in it') }, 'oops canary-token-123');
    const text = out.lines().join('\n');
    expect(text).not.toContain('canary-token-123');
    expect(text).not.toContain('Bearer xyz');
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('[REDACTED]');
  });

  it('scrubs credential-shaped values an upstream echoed back, whatever secret they carry', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    log.error(
      { err: new Error('500 {"headers":{"Authorization":"SSWS 00abcDEFghiJKLmnop"}}') },
      'upstream said Authorization: Bearer eyJhbGciOi.x.y',
    );
    const text = out.lines().join('\n');
    expect(text).not.toContain('00abcDEFghiJKLmnop');
    expect(text).not.toContain('eyJhbGciOi');
  });
});

describe('scrub and scrubError', () => {
  it('keeps ordinary words and replaces the token after a scheme', () => {
    expect(scrub('the user Bob Bearer of news', [])).toBe('the user Bob Bearer of news');
    expect(scrub('token Bearer abcdefghijkl used', [])).toBe('token Bearer [REDACTED] used');
    expect(scrub('authorization=SSWS abc123456789', [])).toBe('authorization=[REDACTED]');
  });

  it('scrubs the message and the stack, keeping the error name', () => {
    const err = new TypeError('failed with secret-value-42');
    const clean = scrubError(err, ['secret-value-42']);
    expect(clean.name).toBe('TypeError');
    expect(clean.message).toBe('failed with [REDACTED]');
    expect(clean.stack).not.toContain('secret-value-42');
  });
});
