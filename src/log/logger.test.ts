import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

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
    createLogger({ destination: out.stream as never }).info({ users: 3 }, 'read');
    expect(JSON.parse(out.lines()[0]!)).toMatchObject({ users: 3, msg: 'read' });
  });

  it('redacts secret paths and scrubs known secret values anywhere', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream as never, secrets: ['canary-token-123'] });
    log.info({ headers: { authorization: 'Bearer xyz' }, config: { clientSecret: 's3cr3t' } }, 'request');
    log.error({ err: new Error('failed with canary-token-123 in it') }, 'oops canary-token-123');
    const text = out.lines().join('\n');
    expect(text).not.toContain('canary-token-123');
    expect(text).not.toContain('Bearer xyz');
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('[REDACTED]');
  });
});
