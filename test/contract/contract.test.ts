import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/apply/outcome.js';
import { serviceProviderConfig } from '../../src/emulator/discovery.js';
import type { DesiredUser } from '../../src/model/aws.js';
import { makeExternalId } from '../../src/model/ids.js';
import { ScimClient } from '../../src/scim/client.js';
import { ScimError } from '../../src/scim/errors.js';
import { memberPatch } from '../../src/scim/patch.js';
import { exitCodeFor } from '../../src/sync/exit-codes.js';

/**
 * Response bodies of the real endpoint, reconstructed from public captures (each fixture names its
 * source), replayed by a fake server to the real ScimClient: every body must parse and map to the
 * typed error, the run's reaction and the exit code a run would end with.
 */
interface Fixture {
  source: string;
  note: string;
  call: string;
  response: { status: number; body: unknown; headers?: Record<string, string> };
  expect: {
    error?: string;
    status?: number;
    flag?: keyof ScimError;
    endpoint?: string;
    code?: string;
    exitCode?: number;
    class?: string;
    message?: string;
    result?: unknown;
  };
}

const DIR = join(resolve(fileURLToPath(new URL('.', import.meta.url))), 'fixtures');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture] as const);

let server: Server;
let reply: Fixture['response'];
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'x-amzn-requestid': 'req-contract',
        ...reply.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/11111111111-2222-3333-4444-555555555555/scim/v2`;
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

const user: DesiredUser = {
  externalId: makeExternalId('corp', 'u1'),
  userName: 'u1@example.com',
  displayName: 'User One',
  name: { givenName: 'User', familyName: 'One' },
  emails: [{ value: 'u1@example.com', type: 'work', primary: true }],
  phoneNumbers: [],
  addresses: [],
  enterprise: {},
  active: true,
};

async function invoke(client: ScimClient, call: string): Promise<unknown> {
  switch (call) {
    case 'listUsers': {
      const all = [];
      for await (const u of client.listUsers()) all.push(u);
      return all;
    }
    case 'deleteUser':
      return client.deleteUser('u1');
    case 'createUser':
      return client.createUser(user);
    case 'patchGroup':
      return client.patchGroup('g1', [memberPatch('add', ['u1'])]);
    case 'isMember':
      return client.isMember('g1', 'u1');
    case 'getUser':
      return client.getUser('u1');
    default:
      throw new Error(`fixture call ${call} is not replayed against the client`);
  }
}

describe('contract: AWS response bodies reconstructed from public captures', () => {
  it('has fixtures, each naming its public source', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const [, f] of fixtures) expect(f.source).toMatch(/^https:\/\//);
  });

  const replayed = fixtures.filter(([, f]) => f.call !== 'serviceProviderConfig');
  it.each(replayed)('%s parses and maps to the right typed error and exit code', async (_file, f) => {
    reply = f.response;
    const client = new ScimClient({ baseUrl, token: 'contract-token', readRetries: 0 });
    try {
      const outcome = await invoke(client, f.call).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      if (f.expect.result !== undefined) {
        expect(outcome).toEqual({ value: matchResult(f.expect.result) });
        return;
      }
      const err = (outcome as { error?: unknown }).error;
      expect(err).toBeInstanceOf(ScimError);
      const e = err as ScimError;
      expect(e.status).toBe(f.expect.status);
      expect(e.code).toBe(f.expect.code);
      expect(e.detail).toBe((f.response.body as { detail: string }).detail);
      expect(e.requestId).toBe('req-contract');
      if (f.expect.flag) expect(e[f.expect.flag]).toBe(true);
      if (f.expect.endpoint) expect(e.endpoint).toBe(f.expect.endpoint);
      if (f.expect.message) expect(e.message).toContain(f.expect.message);
      const reaction = classifyFailure(e);
      if (f.expect.class) expect(reaction).toBe(f.expect.class);
      if (f.expect.exitCode !== undefined) {
        expect(exitCodeFor(reaction === 'auth' ? 'credentials-invalid' : 'partial-failure')).toBe(f.expect.exitCode);
      }
    } finally {
      await client.close();
    }
  });

  it('the emulator advertises what the captured ServiceProviderConfig does', () => {
    const captured = fixtures.find(([file]) => file === 'service-provider-config.json')![1].response.body as Record<
      string,
      any
    >;
    const ours = serviceProviderConfig() as Record<string, any>;
    for (const key of ['patch', 'bulk', 'changePassword', 'sort', 'etag'])
      expect(ours[key].supported).toBe(captured[key].supported);
    expect(ours.filter.supported).toBe(true);
    expect(ours.authenticationSchemes[0].type).toBe(captured.authenticationSchemes[0].type);
  });
});

function matchResult(result: unknown): unknown {
  return typeof result === 'object' && result !== null ? expect.objectContaining(result) : result;
}
