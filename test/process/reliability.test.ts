/**
 * Failure and audit behaviour seen from outside the built binary: exit codes, the run report, the
 * JSON log on stderr, and what the emulator received. The emulator runs in this process so faults
 * can be injected and every request it saw counted.
 */
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makeExternalId } from '../../src/model/ids.js';
import { testTls } from '../helpers/tls.js';
import { logLines, makePod, podEnv, run, writeConfig, type Exited, type Pod } from './cli-process.js';
import { people, writeDirectory, type Person } from './directory.js';

const TOKEN = 'canary-reliability-scim-token-c41d7e08';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Setup {
  pod: Pod;
  directory: (who: Person[]) => Promise<void>;
  sync: (...args: string[]) => Promise<Exited & { report: Report }>;
}

interface Report {
  status: string;
  exitCode: number;
  plan?: {
    hash: string;
    counts: Record<string, number>;
    brake: { destructive: number; threshold: number; blocked: boolean };
  };
  applied?: { failed: number; failures: Array<{ kind: string; status: string; error?: { status?: number } }> };
  findings: Array<{ externalId: string; action: string; reason: string }>;
}

async function setup(
  baseUrl: string,
  who: Person[],
  sync: Record<string, unknown> = {},
  target: Record<string, unknown> = {},
): Promise<Setup> {
  const pod = await makePod({ 'scim-token': TOKEN });
  const etc = join(pod.dir, 'etc/icsync');
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(etc, who) }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true, ...target },
    sync: { rateLimit: { requestsPerSecond: 500, burst: 50 }, retryBaseMs: 10, retryMaxMs: 100, ...sync },
    state: { path: join(pod.stateDir, 'state.json') },
  });
  let runs = 0;
  return {
    pod,
    directory: async (next) => void (await writeDirectory(etc, next)),
    sync: async (...args) => {
      const report = join(pod.dir, `report-${(runs += 1)}.json`);
      const done = await run(
        [args[0] ?? 'sync', '--config', pod.configPath, '--report', report, ...args.slice(1)],
        podEnv(),
      );
      return { ...done, report: JSON.parse(await readFile(report, 'utf8')) as Report };
    },
  };
}

// Our externalId form, built by the product's own helper so the test follows it.
const ext = (id: string) => makeExternalId('hr-export', id);

describe('5xx bursts on writes', () => {
  it('retries each write a bounded number of times, lists the leftovers in the report with exit 4, and the next run converges', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const s = await setup(emulator.baseUrl, people(10), { concurrency: 1, maxAttempts: 2 });
    for (const status of [500, 502, 503])
      emulator.injectFault({ method: 'POST', path: '/Users', times: 2, kind: 'status', status });
    const burst = await s.sync();
    expect(burst.code).toBe(4);
    expect(burst.report.status).toBe('partial-failure');
    const failedCreates = burst.report.applied!.failures.filter((f) => f.kind === 'createUser');
    expect(failedCreates.map((f) => f.error?.status).sort()).toEqual([500, 502, 503]);
    expect(emulator.users()).toHaveLength(7);
    expect(emulator.requestLog.filter((r) => r.method === 'POST' && r.path === '/Users')).toHaveLength(7 + 6);
    const next = await s.sync();
    expect(next.code).toBe(0);
    expect(next.report.plan!.counts.createUser).toBe(3);
    expect(emulator.users()).toHaveLength(10);
    expect(emulator.membersOf(emulator.groups().find((g) => g.displayName === 'Staff')!.id!)).toHaveLength(10);
    expect((await s.sync()).report.plan!.counts).toSatisfy((c: Record<string, number>) =>
      Object.values(c).every((n) => n === 0),
    );
    expect(emulator.requestLog.some((r) => r.method === 'DELETE')).toBe(false);
  });
});

describe('deletion brake (https://learn.microsoft.com/en-us/entra/identity/app-provisioning/accidental-deletions)', () => {
  it('at threshold 3, removing 4 users blocks the whole plan in diff and sync alike (exit 3, zero writes) until that exact plan is approved', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const everyone = people(10);
    const s = await setup(emulator.baseUrl, everyone, { brake: { absolute: 3 }, maxSourceShrinkPercent: 50 });
    expect((await s.sync()).code).toBe(0);
    const writes = emulator.writes().length;
    await s.directory(everyone.slice(4));
    const dry = await s.sync('diff');
    const held = await s.sync();
    for (const r of [dry, held]) {
      expect(r.code).toBe(3);
      expect(r.report.plan!.brake).toMatchObject({ threshold: 3, blocked: true });
      expect(r.report.plan!.counts).toMatchObject({ deactivateUser: 4, removeMembers: 2 });
      expect(r.stdout).toContain('BLOCKED');
      expect(r.stdout).toContain(ext('p0'));
    }
    expect(held.report.plan!.hash).toBe(dry.report.plan!.hash);
    expect(held.report.plan!.brake.destructive).toBeGreaterThan(4);
    expect((await s.sync('sync', '--approve', '0123456789abcdef')).code).toBe(3);
    expect(emulator.writes()).toHaveLength(writes);
    const approved = await s.sync('sync', '--approve', held.report.plan!.hash);
    expect(approved.code).toBe(0);
    expect(
      emulator
        .users()
        .filter((u) => !u.active)
        .map((u) => u.externalId)
        .sort(),
    ).toEqual(['p0', 'p1', 'p2', 'p3'].map(ext));
  });
});

describe('a person deleted and re-created in the source (a new immutable id, the same attributes)', () => {
  it('never re-binds the old AWS user: the old one is deactivated then deleted, the new one is reported (not failed) until then and created with a new AWS id', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const s = await setup(emulator.baseUrl, people(3), { deleteGracePeriodDays: 0 });
    await s.sync();
    const oldId = emulator.users().find((u) => u.externalId === ext('p0'))!.id;
    await s.directory([{ id: 'p0-recreated', n: 0 }, ...people(3).slice(1)]);
    const first = await s.sync();
    expect(first.code).toBe(0);
    expect(emulator.users().find((u) => u.id === oldId)).toMatchObject({ externalId: ext('p0'), active: false });
    expect(first.report.findings).toContainEqual(
      expect.objectContaining({ externalId: ext('p0-recreated'), action: 'conflict' }),
    );
    expect(first.report.findings.find((f) => f.externalId === ext('p0-recreated'))!.reason).toContain(ext('p0'));
    expect(
      first.report.findings.filter((f) => f.action === 'skipped' && f.reason.startsWith(ext('p0-recreated'))),
    ).toHaveLength(2);
    await s.sync();
    await s.sync();
    const recreated = emulator.users().find((u) => u.externalId === ext('p0-recreated'));
    expect(recreated?.id).toBeDefined();
    expect(recreated!.id).not.toBe(oldId);
    expect(emulator.users().some((u) => u.id === oldId)).toBe(false);
  });
});

describe('audit trail (https://docs.aws.amazon.com/singlesignon/latest/userguide/scim-logging-using-cloudtrail.html)', () => {
  it('logs every applied write with the run id, operation, AWS id, externalId and changed fields; values masked when configured', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const s = await setup(emulator.baseUrl, people(3));
    const first = await s.sync();
    const audits = (r: Exited) => logLines(r.stderr).filter((l) => l.msg === 'audit: SCIM write applied');
    const created = audits(first);
    expect(created).toHaveLength(emulator.writes().length);
    expect(created.every((l) => l.runId === created[0]!.runId && typeof l.runId === 'string')).toBe(true);
    const p1 = emulator.users().find((u) => u.externalId === ext('p1'))!;
    expect(created).toContainEqual(
      expect.objectContaining({
        audit: expect.objectContaining({
          op: 'createUser',
          targetId: p1.id,
          externalId: ext('p1'),
          changes: expect.arrayContaining([{ field: 'userName', to: 'person1@example.com' }]),
        }),
      }),
    );
    await s.directory(people(3).map((p) => (p.n === 1 ? { id: 'p1', n: 71 } : p)));
    const renamed = audits(await s.sync());
    expect(renamed).toHaveLength(1);
    expect(renamed[0]!.audit).toMatchObject({
      op: 'patchUser',
      targetId: p1.id,
      externalId: ext('p1'),
      changes: expect.arrayContaining([{ field: 'userName', from: 'person1@example.com', to: 'person71@example.com' }]),
    });
    const masked = await setup(
      emulator.baseUrl,
      people(3).map((p) => (p.n === 1 ? { id: 'p1', n: 72 } : p)),
      { maskAuditValues: true },
    );
    const maskedLines = audits(await masked.sync());
    const patch = maskedLines.find((l) => (l.audit as { op: string }).op === 'patchUser')!;
    expect(patch.audit).toMatchObject({
      targetId: p1.id,
      changes: expect.arrayContaining([{ field: 'userName', from: '[masked]', to: '[masked]' }]),
    });
    expect(JSON.stringify(maskedLines)).not.toContain('person72');
  });
});

describe('SCIM token expiry (https://docs.aws.amazon.com/singlesignon/latest/userguide/rotate-token.html)', () => {
  it('warns at least 30 days before the configured expiry, not earlier than configured, and logs an error once it passed', async () => {
    emulator = await startEmulator({ tokens: [TOKEN] });
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    const notice = async (expiresAt: string, warningDays?: number) => {
      const s = await setup(
        emulator!.baseUrl,
        people(1),
        {},
        { tokenExpiresAt: expiresAt, ...(warningDays ? { tokenExpiryWarningDays: warningDays } : {}) },
      );
      const r = await s.sync('diff');
      return logLines(r.stderr).find((l) => l.tokenExpiresAt === expiresAt);
    };
    expect(await notice(inDays(29.5))).toMatchObject({ level: 40, daysLeft: 29 });
    expect(await notice(inDays(31))).toBeUndefined();
    expect(await notice(inDays(80), 90)).toMatchObject({ level: 40, daysLeft: 79 });
    expect(await notice(inDays(-1))).toMatchObject({ level: 50 });
  });
});

describe('the SCIM host fails TLS verification', () => {
  it('sends no request, applies nothing, and exits with the documented code 11 without the token in any output', async () => {
    const { key, cert } = testTls();
    let requests = 0;
    const server = createServer({ key, cert }, (_req, res) => {
      requests += 1;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const s = await setup(`https://localhost:${port}/scim/v2/`, people(2));
      const statePath = join(s.pod.stateDir, 'state.json');
      const done = await run(['sync', '--config', s.pod.configPath], { PATH: process.env.PATH ?? '' });
      expect(done.code).toBe(11);
      expect(done.stdout).toMatch(
        /cannot reach the AWS SCIM endpoint localhost:\d+: TLS handshake failed .*check the CA bundle.*Nothing was applied/,
      );
      expect(done.stdout + done.stderr).toMatch(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
      );
      expect(requests).toBe(0);
      await expect(readFile(statePath, 'utf8')).rejects.toThrow();
      expect(done.stdout + done.stderr).not.toContain(TOKEN);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
