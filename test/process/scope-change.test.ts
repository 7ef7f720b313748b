/**
 * A scope edit that drops most groups (a list cut short, a wrong name prefix: the
 * https://github.com/awslabs/ssosync/issues/159 pattern) must not turn into mass deactivation.
 * The built binary reads Entra ID through the Graph https fake with its client secret as a mounted
 * file, and writes to the emulator; both shrink guard and deletion brake are checked from outside.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { gid, person, uid } from '../helpers/entraFixtures.js';
import type { GraphFake } from '../helpers/graphFake.js';
import { makePod, podEnv, run, writeConfig, type Pod } from './cli-process.js';
import { entraSource, startEntraFake } from './entra-pod.js';

const SECRETS = {
  'scim-token': 'canary-scope-scim-token-5e0b2d7c',
  'entra-client-secret': 'canary-scope-entra-secret-Wd4Np7Qs',
};
const GROUPS = 10;
const PER_GROUP = 3;

let graph: GraphFake;
let emulator: RunningEmulator;
beforeAll(async () => {
  graph = await startEntraFake(SECRETS['entra-client-secret']);
  for (let g = 0; g < GROUPS; g += 1) {
    const members = Array.from({ length: PER_GROUP }, (_, k) => g * PER_GROUP + k + 1);
    for (const n of members) graph.tenant.addUser(person(n));
    graph.tenant.addGroup(gid(g + 1), `Team ${g + 1}`, members.map(uid));
  }
  emulator = await startEmulator({ tokens: [SECRETS['scim-token']] });
});
afterAll(async () => {
  await graph.close();
  await emulator.close();
});

async function configure(pod: Pod, groupIds: string[]): Promise<void> {
  await writeConfig(pod, {
    sources: [entraSource(pod, graph, { scope: { users: { memberOf: groupIds }, groups: { list: groupIds } } })],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
    state: { path: join(pod.stateDir, 'state.json') },
  });
}

describe('a scope change that drops 90 % of the groups', () => {
  it('is refused by the shrink guard, and with --allow-shrink held by the deletion brake in diff and sync alike; nothing is written', async () => {
    const pod = await makePod(SECRETS);
    const all = Array.from({ length: GROUPS }, (_, g) => gid(g + 1));
    await configure(pod, all);
    expect((await run(['sync', '--config', pod.configPath], podEnv())).code).toBe(0);
    expect(emulator.users()).toHaveLength(GROUPS * PER_GROUP);
    const writes = emulator.writes().length;

    await configure(pod, all.slice(0, 1));
    expect((await run(['sync', '--config', pod.configPath], podEnv())).code).toBe(7);
    const dry = await run(['diff', '--config', pod.configPath, '--allow-shrink', '--json'], podEnv());
    const held = await run(['sync', '--config', pod.configPath, '--allow-shrink', '--json'], podEnv());
    const plans = [dry, held].map(
      (r) =>
        JSON.parse(r.stdout) as {
          report: {
            exitCode: number;
            plan: { hash: string; counts: Record<string, number>; brake: { blocked: boolean } };
          };
        },
    );
    expect([dry.code, held.code]).toEqual([3, 3]);
    for (const p of plans)
      expect(p.report.plan).toMatchObject({
        brake: { blocked: true },
        counts: { deactivateUser: (GROUPS - 1) * PER_GROUP },
      });
    expect(plans[1]!.report.plan.hash).toBe(plans[0]!.report.plan.hash);
    expect(emulator.writes()).toHaveLength(writes);
    expect(emulator.users().every((u) => u.active)).toBe(true);
    for (const value of Object.values(SECRETS))
      expect(dry.stdout + dry.stderr + held.stdout + held.stderr).not.toContain(value);
  });
});
