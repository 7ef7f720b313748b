import { afterEach, describe, expect, it } from 'vitest';
import { pino, type Logger } from 'pino';
import { awsError, collect, cursorPage, MockScimEndpoint, TOKEN, userResource } from './test-support.js';

let endpoint: MockScimEndpoint;
afterEach(async () => {
  await endpoint.close();
});

/** A bare pino logger without redaction or scrubbing, so the test sees exactly what the client logs. */
function captureLogger(): { lines: Array<Record<string, unknown>>; logger: Logger } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('ScimClient logging', () => {
  it('logs method, path without query, status, request id and duration at debug', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1')]) });
    const { lines, logger } = captureLogger();

    await collect(endpoint.client({ logger }).listUsers('userName eq "jane.secret@example.com"'));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20, method: 'GET', path: '/Users', status: 200, requestId: 'req-1' });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('jane.secret');
  });

  it('logs the request id of a failed request, never the token or the body', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('DELETE', '/Users/u1', { status: 403, body: awsError(403, 'denied for jane@example.com') });
    const { lines, logger } = captureLogger();

    await endpoint
      .client({ logger })
      .deleteUser('u1')
      .catch(() => undefined);

    const failure = lines.find((l) => l.msg === 'SCIM request failed');
    expect(failure).toMatchObject({ level: 40, status: 403, requestId: 'req-1', path: '/Users/u1' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('jane@example.com');
  });
});
