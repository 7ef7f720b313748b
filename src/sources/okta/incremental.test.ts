import { describe, expect, it } from 'vitest';
import { StubOktaApi, stubGroup, stubUser } from '../../../test/helpers/oktaApiStub.js';
import { silentLogger } from '../../log/logger.js';
import { MemorySourceStateStore } from '../../state/file-source-state.js';
import type { SourceStateStore } from '../types.js';
import { oktaSourceConfigSchema, type OktaSourceConfigInput } from './config.js';
import { readWithState } from './incremental.js';

const HOUR = 3_600_000;
const input: OktaSourceConfigInput = {
  type: 'okta',
  id: 'corp-okta',
  orgUrl: 'https://acme.okta.com',
  auth: { apiToken: { env: 'T' } },
  scope: { type: 'appAssignments', appId: '0oaApp' },
  incremental: { fullReadIntervalHours: 6 },
};

function api(): StubOktaApi {
  return new StubOktaApi({
    users: [stubUser('00u1'), stubUser('00u2')],
    groups: [stubGroup('00gA', 'aws', ['00u2'])],
    appUsers: ['00u1'],
    appGroups: ['00gA'],
  });
}

function harness(state: SourceStateStore = new MemorySourceStateStore()) {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const deps = { state, logger: silentLogger(), now: () => now };
  return {
    state,
    advance: (ms: number) => (now += ms),
    read: async (over: Partial<OktaSourceConfigInput> = {}) =>
      readWithState(api(), oktaSourceConfigSchema.parse({ ...input, ...over }), deps),
  };
}

describe('readWithState', () => {
  it('reads in full first, incrementally next, and in full again once the interval has passed', async () => {
    const h = harness();
    expect(await h.read()).toMatchObject({ mode: 'full', reason: 'no complete earlier read is stored' });
    h.advance(5 * HOUR);
    const second = await h.read();
    expect(second.mode).toBe('incremental');
    expect([...second.directory.users.keys()]).toEqual(['00u1', '00u2']);
    h.advance(2 * HOUR);
    expect(await h.read()).toMatchObject({ mode: 'full', reason: 'the last full read is older than 6 h' });
  });

  it('keeps the interval from the last full read, not from the last incremental one', async () => {
    const h = harness();
    await h.read();
    for (let i = 0; i < 5; i += 1) {
      h.advance(HOUR);
      expect((await h.read()).mode).toBe('incremental');
    }
    h.advance(HOUR);
    expect((await h.read()).mode).toBe('full');
  });

  it('reads in full when the scope or mapping changed, or incremental reads are disabled', async () => {
    const h = harness();
    await h.read();
    expect(await h.read({ statuses: { staged: 'inactive' } })).toMatchObject({
      mode: 'full',
      reason: 'scope or mapping settings changed since the stored read',
    });
    expect(await h.read({ incremental: { enabled: false } })).toMatchObject({
      mode: 'full',
      reason: 'incremental reads are disabled',
    });
  });

  it('treats unreadable or foreign state as absent, and a failed save as a warning, never a failed read', async () => {
    const broken: SourceStateStore = {
      load: () => Promise.reject(new Error('disk on fire')),
      save: () => Promise.reject(new Error('disk full')),
      delete: () => Promise.resolve(),
    };
    const h = harness(broken);
    expect((await h.read()).mode).toBe('full');
    const foreign = new MemorySourceStateStore();
    await foreign.save('okta-round', { version: 0, users: 'nope' });
    expect((await harness(foreign).read()).mode).toBe('full');
  });
});
