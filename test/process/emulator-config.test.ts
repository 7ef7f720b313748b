/**
 * The commands in config/emulator.yaml's header, run as written (`npm run icsync -- …` from the
 * repository root, as on a fresh clone) in order, each checked against the exit code its comment
 * states. Only the emulator's port, its rate limit (for speed) and the state path (to keep the
 * checkout clean) differ from what the comment says.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, podEnv, ROOT, waitFor, type Exited } from './cli-process.js';

interface Step {
  args: string[];
  exit: number;
}

const NPM = 'npm run icsync -- ';

/** The `npm run icsync -- …` lines of the header, the `export`s, and the expected exit code of each command. */
async function header(): Promise<{ emulator: string[]; env: Record<string, string>; steps: Step[] }> {
  const lines = (await readFile(join(ROOT, 'config/emulator.yaml'), 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('#   '));
  const env: Record<string, string> = {};
  const steps: Step[] = [];
  let emulator: string[] = [];
  for (const line of lines.map((l) => l.slice(4))) {
    const [command = '', comment = ''] = line.split(/\s+# /);
    const exported = /^export (\w+)=(\S+)$/.exec(command.trim());
    if (exported) env[exported[1]!] = exported[2]!;
    else if (command.startsWith(`${NPM}emulator`)) emulator = command.slice(NPM.length).trim().split(/\s+/);
    else if (command.startsWith(NPM)) {
      const exit = /^exit (\d+)/.exec(comment);
      if (!exit) throw new Error(`config/emulator.yaml: "${line}" states no exit code`);
      steps.push({ args: command.slice(NPM.length).trim().split(/\s+/), exit: Number(exit[1]) });
    }
  }
  return { emulator, env, steps };
}

function npmRun(
  args: string[],
  env: Record<string, string>,
): { exited: Promise<Exited>; kill(): void; output(): string } {
  let output = '';
  // Its own process group: npm → sh → tsx → node, and stopping the emulator must reach the last one.
  const child = spawn('npm', ['run', '--silent', 'icsync', '--', ...args], { cwd: ROOT, env, detached: true });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exited>((done) => child.on('close', (code) => done({ code, stdout: output, stderr: '' })));
  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  return { exited, kill, output: () => output };
}

let emulator: ReturnType<typeof npmRun> | undefined;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'icsync-emulator-config-'));
});

afterAll(async () => {
  emulator?.kill();
  await emulator?.exited;
  await rm(stateDir, { recursive: true, force: true });
});

describe('config/emulator.yaml', () => {
  it('every command of its header works from the repository root and exits as its comment says', async () => {
    const { emulator: emulatorArgs, env, steps } = await header();
    expect(emulatorArgs.slice(0, 3)).toEqual(['emulator', '--port', '8080']);
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const port = await freePort();
    emulator = npmRun(['emulator', '--port', String(port), '--rate', '0'], podEnv());
    const baseUrl = await waitFor('the emulator to listen', () => /listening at (\S+)/.exec(emulator!.output())?.[1]);
    const config = (await readFile(join(ROOT, 'config/emulator.yaml'), 'utf8')).replace(':8080/', `:${port}/`);
    expect(config).toContain(baseUrl);
    const stepEnv = podEnv({
      ...env,
      ICSYNC__TARGET__BASE_URL: baseUrl,
      ICSYNC__STATE__PATH: join(stateDir, 'emulator.json'),
      HOME: process.env.HOME ?? stateDir,
    });
    for (const step of steps) {
      const result = await npmRun(step.args, stepEnv).exited;
      expect({ step: step.args.join(' '), code: result.code }, result.stdout).toEqual({
        step: step.args.join(' '),
        code: step.exit,
      });
    }
  });
});
