/**
 * 429 on every request, reads included. AWS documents only 429 `ThrottlingException` for its SCIM
 * endpoint (https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html) and
 * peers were throttled syncing a few hundred objects (https://github.com/awslabs/ssosync/issues/13):
 * a throttled run pauses and goes on, and only the run's total throttled time bounds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/sync/exit-codes.js';
import { group, snapshot, user } from '../helpers/builders.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const members = ['a', 'b', 'c', 'd'];
const directory = () =>
  snapshot(
    members.map((m) => user(m)),
    [group('eng', members)],
  );
const throttled = (harness: Harness) => harness.emulator.requestLog.filter((e) => e.status === 429);

describe('a run throttled by AWS (429)', () => {
  it('rides out a storm on every request, reads included, without spending retry attempts, and succeeds', async () => {
    h = await startHarness(directory(), { sync: { maxAttempts: 2 } });
    // Far more consecutive 429s than the read retry budget (5) and the write attempts (2).
    h.emulator.injectFault({ times: 40, kind: 'status', status: 429, retryAfter: 'seconds', retryAfterSeconds: 0 });
    const r = await h.run('sync');
    expect(throttled(h).length).toBe(40);
    expect(throttled(h).some((e) => e.method === 'GET')).toBe(true);
    expect(r.report).toMatchObject({ status: 'success', exitCode: EXIT.success });
    expect(r.report.applied).toMatchObject({ failed: 0, skipped: 0 });
    expect(h.emulator.users()).toHaveLength(4);
  });

  it('backs off with jitter when a 429 carries no Retry-After, reads included', async () => {
    h = await startHarness(directory());
    h.emulator.injectFault({ method: 'GET', times: 12, kind: 'status', status: 429, retryAfter: 'none' });
    const r = await h.run('sync');
    expect(throttled(h).length).toBe(12);
    expect(r.report.status).toBe('success');
  });

  it('stops a read throttled past sync.maxThrottleWaitMs with the throttled exit code, having written nothing', async () => {
    h = await startHarness(directory(), { sync: { maxThrottleWaitMs: 1000 } });
    h.emulator.injectFault({
      method: 'GET',
      times: 1000,
      kind: 'status',
      status: 429,
      retryAfter: 'seconds',
      retryAfterSeconds: 1,
    });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'throttled', exitCode: EXIT.throttled });
    expect(r.report.message).toContain('sync.maxThrottleWaitMs');
    expect(h.emulator.writes()).toHaveLength(0);
  });

  it('stops writes throttled past sync.maxThrottleWaitMs with the throttled exit code, the rest left for the next run', async () => {
    h = await startHarness(directory(), { sync: { maxThrottleWaitMs: 1000, concurrency: 1 } });
    h.emulator.injectFault({
      method: 'POST',
      times: 1000,
      kind: 'status',
      status: 429,
      retryAfter: 'seconds',
      retryAfterSeconds: 1,
    });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'throttled', exitCode: EXIT.throttled });
    expect(r.report.applied?.failed).toBe(1);
    expect(r.report.applied?.skipped).toBeGreaterThan(0);
    expect(EXIT.throttled).not.toBe(EXIT.internal);
  });
});
