import { describe, expect, it } from 'vitest';
import type { DesiredUser, TargetUser } from '../model/aws.js';
import { asScimId } from '../model/ids.js';
import { silentLogger } from '../log/logger.js';
import { ScimError } from '../scim/errors.js';
import { pauseOnlyLimiter } from '../scim/limiter.js';
import type { Operation, Plan } from '../diff/plan.js';
import { executePlan } from './executor.js';
import { MemoryIdDirectory, type ScimPort } from './port.js';

const user = (id: string): DesiredUser => ({
  externalId: `src/${id}` as DesiredUser['externalId'],
  userName: `${id}@x.org`,
  displayName: id,
  name: { givenName: id, familyName: id },
  emails: [],
  phoneNumbers: [],
  addresses: [],
  enterprise: {},
  active: true,
});

function fakePort(over: Partial<ScimPort> = {}): ScimPort & { calls: string[] } {
  const calls: string[] = [];
  const port: ScimPort = {
    createUser: async (u) => {
      calls.push(`createUser ${u.externalId}`);
      return { ...u, id: asScimId(`id-${u.externalId}`) };
    },
    patchUser: async (id) => {
      calls.push(`patchUser ${id}`);
      return {} as TargetUser;
    },
    deleteUser: async (id) => (calls.push(`deleteUser ${id}`), 'deleted'),
    createGroup: async (g) => ({ id: asScimId(`id-${g.externalId}`), ...g }),
    patchGroup: async (id) => void calls.push(`patchGroup ${id}`),
    deleteGroup: async () => 'deleted',
    findUserByExternalId: async () => null,
    findGroupByExternalId: async () => null,
    getGroup: async () => null,
    listGroupMembers: async function* () {},
    ...over,
  };
  return Object.assign(port, { calls });
}

function planOf(operations: Operation[]): Plan {
  return {
    operations,
    findings: [],
    counts: {} as Plan['counts'],
    membershipChanges: { add: 0, remove: 0 },
    brake: { destructive: 0, takeovers: 0, threshold: 10, managedObjects: 0, blocked: false },
    hash: 'h',
  };
}

const settings = { concurrency: 1, maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 5, maxThrottleWaitMs: 60_000 };

describe('executePlan', () => {
  it('starts no new operation once interrupted, and records the rest as skipped', async () => {
    const controller = new AbortController();
    const scim = fakePort();
    const ops: Operation[] = ['a', 'b', 'c'].map((id) => ({ kind: 'createUser', user: user(id) }));
    const result = await executePlan(planOf(ops), {
      ctx: { scim, ids: new MemoryIdDirectory() },
      limiter: pauseOnlyLimiter(),
      logger: silentLogger(),
      settings,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(scim.calls).toEqual(['createUser src/a']);
    expect(result.results.map((r) => r.status)).toEqual(['applied', 'skipped', 'skipped']);
  });

  it('fails a create refused as a duplicate of an object that is not ours, and carries on', async () => {
    const conflict = new ScimError({
      method: 'POST',
      path: '/Users',
      status: 409,
      detail: 'Refused to create a new, duplicate resource.',
    });
    const scim = fakePort({
      createUser: async (u) => {
        if (u.externalId === 'src/a') throw conflict;
        return { ...u, id: asScimId('id-b') };
      },
    });
    const ops: Operation[] = [
      { kind: 'createUser', user: user('a') },
      { kind: 'createUser', user: user('b') },
    ];
    const result = await executePlan(planOf(ops), {
      ctx: { scim, ids: new MemoryIdDirectory() },
      limiter: pauseOnlyLimiter(),
      logger: silentLogger(),
      settings,
    });
    expect(result.results[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'SCIM_ERROR' } });
    expect(result.results[0]!.error!.message).toMatch(/not ours/);
    expect(result.results[1]).toMatchObject({ status: 'applied' });
  });

  it('treats a 404 on delete as done', async () => {
    const scim = fakePort({ deleteUser: async () => 'not-found' });
    const op: Operation = { kind: 'deleteUser', target: { externalId: 'src/a', id: asScimId('x') }, userName: 'a' };
    const result = await executePlan(planOf([op]), {
      ctx: { scim, ids: new MemoryIdDirectory() },
      limiter: pauseOnlyLimiter(),
      logger: silentLogger(),
      settings,
    });
    expect(result.results[0]).toMatchObject({ status: 'applied', note: 'already deleted in AWS' });
  });

  it('gives up on 5xx after maxAttempts with the last error', async () => {
    let n = 0;
    const scim = fakePort({
      patchUser: async () => {
        n += 1;
        throw new ScimError({ method: 'PATCH', path: '/Users/x', status: 503 });
      },
    });
    const op: Operation = {
      kind: 'patchUser',
      target: { externalId: 'src/a', id: asScimId('x') },
      changes: [{ path: 'title', value: 'CTO' }],
    };
    const result = await executePlan(planOf([op]), {
      ctx: { scim, ids: new MemoryIdDirectory() },
      limiter: pauseOnlyLimiter(),
      logger: silentLogger(),
      settings,
    });
    expect(n).toBe(3);
    expect(result.results[0]).toMatchObject({ status: 'failed', attempts: 3, error: { status: 503 } });
  });
});
