import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { ScimClient } from '../../src/scim/client.js';
import { TokenBucketLimiter } from '../../src/scim/limiter.js';
import { ThrottlePolicy } from '../../src/scim/throttle.js';
import type { SourceConnector } from '../../src/sources/types.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { runSync, type RunOptions, type RunResult } from '../../src/sync/run.js';
import { runTargeted, type TargetedDeps } from '../../src/sync/targeted.js';
import type { Group } from '../../src/model/group.js';
import type { User } from '../../src/model/user.js';
import { makeExternalId } from '../../src/model/ids.js';
import { SOURCE_ID } from './builders.js';

/** A source whose next read is whatever the test sets: a snapshot, or an error to throw. */
export class ScriptedSource implements SourceConnector {
  readonly id = SOURCE_ID;
  readonly kind = 'file' as const;
  next: Snapshot | Error;

  constructor(first: Snapshot) {
    this.next = first;
  }

  async readSnapshot(): Promise<Snapshot> {
    if (this.next instanceof Error) throw this.next;
    return structuredClone(this.next);
  }

  async close(): Promise<void> {}

  /** Re-reads answer from the current `next` snapshot, like a source answering for one object. */
  async rereadUser(id: string): Promise<User | null> {
    if (this.next instanceof Error) throw this.next;
    return structuredClone(this.next.users.find((u) => u.externalId === makeExternalId(this.id, id)) ?? null);
  }

  async rereadGroup(id: string): Promise<Group | null> {
    if (this.next instanceof Error) throw this.next;
    return structuredClone(this.next.groups.find((g) => g.externalId === makeExternalId(this.id, id)) ?? null);
  }
}

export interface Harness<S extends SourceConnector = ScriptedSource> {
  emulator: RunningEmulator;
  source: S;
  run(mode: 'diff' | 'sync', options?: Partial<RunOptions>): Promise<RunResult>;
  targeted(hints: { kind: 'user' | 'group'; id: string }[]): ReturnType<typeof runTargeted>;
  deps: TargetedDeps;
  close(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: Partial<EmulatorOptions>;
  sync?: Record<string, unknown>;
  now?: () => number;
}

/** The emulator, a real SCIM client and state store, and `source`: a scripted snapshot or any real source connector. */
export async function startHarness(first: Snapshot, options?: HarnessOptions): Promise<Harness>;
export async function startHarness<S extends SourceConnector>(source: S, options?: HarnessOptions): Promise<Harness<S>>;
export async function startHarness(
  first: Snapshot | SourceConnector,
  options: HarnessOptions = {},
): Promise<Harness<SourceConnector>> {
  const emulator = await startEmulator({ tokens: ['test-token'], ...options.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'icsync-test-'));
  const source = 'readSnapshot' in first ? first : new ScriptedSource(first);
  const config = parseConfig({
    sources: [{ type: 'file', id: source.id, path: '/unused.json' }],
    target: { baseUrl: emulator.baseUrl, token: { env: 'UNUSED' }, allowLocalEmulator: true },
    sync: {
      rateLimit: { requestsPerSecond: 500, burst: 50 },
      concurrency: 4,
      retryBaseMs: 20,
      retryMaxMs: 200,
      ...options.sync,
    },
    state: { path: join(dir, 'state.json') },
  });
  const limiter = new TokenBucketLimiter({
    ratePerSecond: config.sync.rateLimit.requestsPerSecond,
    burst: config.sync.rateLimit.burst,
  });
  // One 429 policy for reads and writes, as the CLI composes it; short backoff steps keep tests quick.
  const throttle = new ThrottlePolicy(limiter, { maxWaitMs: config.sync.maxThrottleWaitMs, baseMs: 10, capMs: 200 });
  const scim = new ScimClient({
    baseUrl: emulator.baseUrl,
    token: 'test-token',
    limiter,
    throttle,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 200,
  });
  const deps = {
    config,
    sources: [source],
    scim,
    limiter,
    throttle,
    state: new FileStateStore(config.state.path),
    logger: silentLogger(),
  };
  return {
    emulator,
    source,
    run: (mode, runOptions = {}) =>
      runSync(deps, { mode, ...(options.now ? { now: options.now } : {}), ...runOptions }),
    deps,
    targeted: (hints) =>
      runTargeted(
        deps,
        hints.map((h) => ({
          ...h,
          sourceId: source.id,
          origin: 'okta' as const,
          receivedAt: new Date().toISOString(),
        })),
      ),
    async close() {
      await scim.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
