/**
 * Expected failures through the built binary: an AWS endpoint that refuses connections (TLS:
 * reliability.test.ts), a source that cannot be reached, an invalid config. Each ends with its documented exit code,
 * one `icsync:` line (or the result line) naming the host and what to check, no stack trace, and
 * with `--json` a valid JSON report on stdout whatever the outcome.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import {
  freePort,
  logLines,
  makePod,
  podEnv,
  run,
  start,
  waitFor,
  writeConfig,
  type Exited,
  type Pod,
} from './cli-process.js';
import { writeDirectory } from './directory.js';

const STACK = /\n\s+at .+:\d+:\d+\)?/;

interface Report {
  status: string;
  exitCode: number;
  message: string;
}

const TOKEN = 'canary-failures-token-1a2b3c';

async function podFor(baseUrl: string, source?: (pod: Pod) => Record<string, unknown>): Promise<Pod> {
  const pod = await makePod({ 'scim-token': TOKEN, 'bind-password': 'canary-bind-pw-9f8e' });
  await writeConfig(pod, {
    sources: [source ? source(pod) : { type: 'file', id: 'hr-export', path: await writeDirectory(pod.dir, 3) }],
    target: { baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { retryBaseMs: 10, retryMaxMs: 100, maxAttempts: 2 },
    state: { path: join(pod.stateDir, 'state.json') },
    log: { level: 'silent' },
  });
  return pod;
}

function jsonReport(r: Exited): Report {
  return (JSON.parse(r.stdout) as { report: Report }).report;
}

describe('the AWS SCIM endpoint cannot be reached', () => {
  it('connection refused: exit 11, one line naming host and what to check, and a JSON report', async () => {
    const port = await freePort();
    const pod = await podFor(`http://127.0.0.1:${port}/scim/v2`);
    const r = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(r.code).toBe(11);
    expect(jsonReport(r)).toMatchObject({ status: 'target-unavailable', exitCode: 11 });
    expect(jsonReport(r).message).toContain(`127.0.0.1:${port}: connection refused (ECONNREFUSED); check`);
    expect((JSON.parse(r.stdout) as { report: { sources: unknown[] } }).report.sources).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
    const human = await run(['sync', '--config', pod.configPath], podEnv());
    expect(human.code).toBe(11);
    expect(human.stdout).toMatch(/^Result: target-unavailable \(exit 11\): cannot reach the AWS SCIM endpoint/m);
  });
});

describe('the AWS SCIM endpoint goes away while writing', () => {
  it('stops the run with exit 11 naming the host, instead of failing every operation one by one', async () => {
    const emulator = await startEmulator({ tokens: [TOKEN] });
    const pod = await makePod({ 'scim-token': TOKEN });
    await writeConfig(pod, {
      sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(pod.dir, 40) }],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      // Slow enough that the endpoint is gone while most of the plan is still to apply.
      sync: {
        rateLimit: { requestsPerSecond: 10, burst: 1 },
        concurrency: 1,
        retryBaseMs: 10,
        retryMaxMs: 100,
        maxAttempts: 2,
      },
      state: { path: join(pod.stateDir, 'state.json') },
    });
    const sync = start(['sync', '--config', pod.configPath, '--json'], podEnv());
    try {
      await waitFor('the first write', () =>
        logLines(sync.stderr).some((l) => l.msg === 'audit: SCIM write applied') ? true : undefined,
      );
      await emulator.close();
      const r = await sync.exited;
      expect(r.code).toBe(11);
      const { report } = JSON.parse(r.stdout) as {
        report: Report & {
          plan: { operations: number };
          applied: { applied: number; failed: number; skipped: number };
        };
      };
      expect(report.status).toBe('target-unavailable');
      expect(report.message).toContain(
        `cannot reach the AWS SCIM endpoint ${new URL(emulator.baseUrl).host}: connection refused`,
      );
      const { applied, failed, skipped } = report.applied;
      expect(applied + failed + skipped).toBe(report.plan.operations);
      expect(skipped).toBeGreaterThan(0);
      expect(failed).toBeLessThanOrEqual(1);
      expect(applied).toBe(emulator.writes().filter((w) => w.status >= 200 && w.status < 300).length);
    } finally {
      sync.kill();
    }
  });
});

describe('a source cannot be reached', () => {
  const ldapPod = (url: string) =>
    podFor('http://127.0.0.1:9/scim/v2', (pod) => ({
      type: 'ldap',
      id: 'corp',
      url,
      allowInsecure: true,
      bindDn: 'cn=reader,dc=example,dc=com',
      bindPassword: pod.secret('bind-password'),
      users: { baseDn: 'ou=people,dc=example,dc=com' },
      groups: { baseDn: 'ou=groups,dc=example,dc=com' },
    }));

  it('LDAP connection refused: exit 7 naming the host and what to check; the bind password never printed', async () => {
    const port = await freePort();
    const pod = await ldapPod(`ldap://127.0.0.1:${port}`);
    const r = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    expect(r.code).toBe(7);
    const report = jsonReport(r);
    expect(report.status).toBe('source-failed');
    expect(report.message).toBe(
      `source corp: cannot reach 127.0.0.1:${port}: connection refused (ECONNREFUSED); check the host and port, and that the service is up`,
    );
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stdout + r.stderr).not.toContain('canary-bind-pw-9f8e');
  });

  it('LDAP host name that does not resolve (RFC 6761 .invalid): exit 7 saying DNS failed', async () => {
    const pod = await ldapPod('ldap://directory.example.invalid:389');
    const r = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    expect(r.code).toBe(7);
    expect(jsonReport(r).message).toMatch(
      /^source corp: cannot reach directory\.example\.invalid: DNS lookup failed \((ENOTFOUND|EAI_AGAIN|EAI_FAIL)\); check the host name/,
    );
  });
});

describe('--json whatever the outcome', () => {
  it('an invalid config prints a JSON report with the config exit code, and the problem on stderr', async () => {
    const pod = await podFor('http://127.0.0.1:9/scim/v2');
    await writeConfig(pod, { sources: [], target: { baseUrl: 'http://example.com' } });
    const r = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    expect(r.code).toBe(6);
    expect(jsonReport(r)).toMatchObject({ status: 'config-invalid', exitCode: 6 });
    expect(r.stderr).toContain('target.token');
    expect(r.stderr).not.toMatch(STACK);
  });
});
