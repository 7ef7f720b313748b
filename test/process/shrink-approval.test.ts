/**
 * A source that shrank past `sync.maxSourceShrinkPercent`, through the built binary: `diff` shows
 * the whole plan, marked blocked with why and the hash to approve (exit 3); `sync` refuses it
 * (exit 7) naming that hash; `sync --approve <hash>` of exactly that plan applies it, with no
 * `--allow-shrink` needed and no loop between the two.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makePod, podEnv, run, writeConfig } from './cli-process.js';
import { people, writeDirectory } from './directory.js';

const TOKEN = 'canary-shrink-scim-token-0c9d8e7f';
const BEFORE = 20;
const AFTER = 5;
/** Past the default 20 % shrink limit, yet well under a brake threshold of 1000. */
const SHRUNK = 15;

interface Output {
  report: { status: string; exitCode: number; message: string; plan: { hash: string; operations: number } };
  plan: { hash: string; operations: Array<{ kind: string }>; shrinkGuard?: unknown[] } | null;
}

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
});
afterAll(async () => emulator.close());

describe('the shrink guard and approval', () => {
  it('diff shows the held plan with its hash; one sync --approve <hash> applies it', async () => {
    const pod = await makePod({ 'scim-token': TOKEN });
    const etc = join(pod.dir, 'etc/icsync');
    await writeConfig(pod, {
      sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(etc, BEFORE) }],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
      state: { path: join(pod.stateDir, 'state.json') },
    });
    const sync = (...args: string[]) => run(['sync', '--config', pod.configPath, ...args], podEnv());
    expect((await sync()).code).toBe(0);
    await writeDirectory(etc, people(AFTER));
    const writes = emulator.writes().length;

    const dry = await run(['diff', '--config', pod.configPath, '--json'], podEnv());
    expect(dry.code).toBe(3);
    const shown = JSON.parse(dry.stdout) as Output;
    const hash = shown.report.plan.hash;
    expect(shown.report.status).toBe('blocked');
    expect(shown.report.message).toContain('the shrink guard holds the plan: source hr-export returned 5 users');
    expect(shown.report.message).toContain('the deletion brake holds the plan');
    expect(shown.report.message).toContain(`icsync sync --approve ${hash}`);
    expect(shown.plan?.operations.filter((op) => op.kind === 'deactivateUser')).toHaveLength(BEFORE - AFTER);
    expect(shown.plan?.shrinkGuard).toEqual([{ sourceId: 'hr-export', kind: 'users', before: BEFORE, now: AFTER }]);

    const table = await run(['diff', '--config', pod.configPath], podEnv());
    expect(table.code).toBe(3);
    expect(table.stdout).toContain(`Plan ${hash}`);
    expect(table.stdout).toMatch(/Result: blocked \(exit 3\): the shrink guard holds the plan/);

    const refused = await sync('--json');
    expect(refused.code).toBe(7);
    expect((JSON.parse(refused.stdout) as Output).report.message).toContain(`--approve ${hash}`);
    expect(emulator.writes()).toHaveLength(writes);

    const approved = await sync('--approve', hash, '--json');
    expect(approved.code).toBe(0);
    expect((JSON.parse(approved.stdout) as Output).report.status).toBe('success');
    expect(emulator.users().filter((u) => !u.active)).toHaveLength(BEFORE - AFTER);
    expect((await sync()).code).toBe(0);
  });

  it('a plan only the shrink guard holds says so in the table header, next to a brake that is ok', async () => {
    const pod = await makePod({ 'scim-token': TOKEN });
    const etc = join(pod.dir, 'etc/icsync');
    await writeConfig(pod, {
      sources: [{ type: 'file', id: 'hr-shrunk', path: await writeDirectory(etc, BEFORE) }],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      sync: { rateLimit: { requestsPerSecond: 500, burst: 50 }, brake: { absolute: 1000 } },
      state: { path: join(pod.stateDir, 'state.json') },
    });
    const icsync = (...args: string[]) => run([...args, '--config', pod.configPath], podEnv());
    expect((await icsync('sync')).code).toBe(0);
    await writeDirectory(etc, people(SHRUNK));

    for (const [command, code] of [
      ['diff', 3],
      ['sync', 7],
    ] as const) {
      const table = await icsync(command);
      expect(table.code).toBe(code);
      const hash = /^Plan (\S+):/m.exec(table.stdout)?.[1];
      expect(table.stdout).toMatch(/^Deletion brake: .* → ok$/m);
      expect(table.stdout).toContain(
        `Shrink guard: source hr-shrunk shrank from ${BEFORE} to ${SHRUNK} users → BLOCKED; approve with 'icsync sync --approve ${hash}'`,
      );
    }
  });
});
