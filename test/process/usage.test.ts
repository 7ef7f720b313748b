/**
 * The command line as an operator meets it, through the built binary: usage mistakes get their own
 * exit code (64) and say what is valid; `--help`, `help <command>` and `--version` answer; expected
 * errors are one clear line, never a stack trace.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePod, podEnv, ROOT, run, writeConfig } from './cli-process.js';
import { writeDirectory } from './directory.js';

const USAGE = 64;
const CONFIG_INVALID = 6;
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

let holder: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
  holder = undefined;
});

describe('usage errors', () => {
  it('an unknown flag exits 64 and names the valid flags of that command', async () => {
    const r = await run(['sync', '--aprove', 'abc'], podEnv());
    expect(r.code).toBe(USAGE);
    expect(r.stderr).toContain('unknown flag --aprove');
    for (const flag of ['--approve <hash>', '--allow-shrink', '--queue', '--json', '--config <path>'])
      expect(r.stderr).toContain(flag);
    expect(r.stderr).not.toMatch(STACK);
    const json = await run(['sync', '--json', '--aprove', 'abc'], podEnv());
    expect(json.code).toBe(USAGE);
    expect(JSON.parse(json.stdout)).toMatchObject({ report: { status: 'usage-error', exitCode: USAGE }, plan: null });
  });

  it('a flag without its value, an unknown command and a stray argument exit 64, distinct from config invalid', async () => {
    const missing = await run(['diff', '--config'], podEnv());
    expect(missing.code).toBe(USAGE);
    expect(missing.stderr).toContain('--config needs a value (--config <path>)');
    const unknown = await run(['snyc'], podEnv());
    expect(unknown.code).toBe(USAGE);
    expect(unknown.stderr).toContain('unknown command "snyc"');
    expect(unknown.stderr).toContain('sync');
    const stray = await run(['subscriptions', 'renew'], podEnv());
    expect(stray.code).toBe(USAGE);
    expect(stray.stderr).toContain('icsync subscriptions ensure');
    expect((await run([], podEnv())).code).toBe(USAGE);
    const flagFirst = await run(['--json', 'diff'], podEnv());
    expect(flagFirst.code).toBe(USAGE);
    expect(flagFirst.stderr).toContain('the command comes first');
  });
});

describe('help and version', () => {
  it('icsync <command> --help and icsync help <command> print that command’s options and examples', async () => {
    const flagHelp = await run(['sync', '--help'], podEnv());
    const helpCommand = await run(['help', 'sync'], podEnv());
    for (const r of [flagHelp, helpCommand]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: icsync sync');
      expect(r.stdout).toMatch(/--approve <hash>\s+apply exactly the plan/);
      expect(r.stdout).toContain('Examples:');
    }
    expect(flagHelp.stdout).toBe(helpCommand.stdout);
    const diff = await run(['diff', '-h'], podEnv());
    expect(diff.stdout).toContain('Usage: icsync diff');
    expect(diff.stdout).not.toContain('--approve');
    const emulator = await run(['help', 'emulator'], podEnv());
    expect(emulator).toMatchObject({ code: 0 });
    expect(emulator.stdout).toContain('--forbidden-characters');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['sync', '--version']]) {
      const r = await run(args, podEnv());
      expect(r).toMatchObject({ code: 0, stdout: `icsync ${pkg.version}\n` });
    }
  });
});

describe('expected errors are one clear line', () => {
  it('a string where a number belongs says "expected a number" and names the key', async () => {
    const pod = await makePod({ 'scim-token': 'x' });
    await writeConfig(pod, {
      sources: [{ type: 'file', id: 'hr', path: await writeDirectory(pod.dir, 1) }],
      target: { baseUrl: 'http://127.0.0.1:9/scim/v2', token: pod.secret('scim-token'), allowLocalEmulator: true },
      sync: { concurrency: 'four' },
    });
    const r = await run(['validate-config', '--config', pod.configPath], podEnv());
    expect(r.code).toBe(CONFIG_INVALID);
    expect(r.stderr).toContain('expected a number');
    expect(r.stderr).toContain('sync.concurrency');
    expect(r.stderr).not.toContain('NaN');
  });

  it('a config file that is not valid YAML is one line saying where', async () => {
    const pod = await makePod({});
    await writeFile(pod.configPath, 'sources: [\n  - {type: file\n');
    const r = await run(['diff', '--config', pod.configPath], podEnv());
    expect(r.code).toBe(CONFIG_INVALID);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^icsync: config: .* is not valid YAML \(or JSON\): .* at line \d+, column \d+$/),
    ]);
    const missing = await run(['diff', '--config', join(pod.dir, 'nope.yaml')], podEnv());
    expect(missing.code).toBe(CONFIG_INVALID);
    expect(missing.stderr).toContain('nope.yaml does not exist');
  });

  it('icsync emulator on a port in use says so and exits with the config code', async () => {
    holder = createServer();
    const port = await new Promise<number>((r) =>
      holder!.listen(0, '127.0.0.1', () => r((holder!.address() as { port: number }).port)),
    );
    const r = await run(['emulator', '--port', String(port)], podEnv());
    expect(r.code).toBe(CONFIG_INVALID);
    expect(r.stderr).toContain(`127.0.0.1:${port} is already in use`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await run(['emulator', '--port', 'eighty'], podEnv())).code).toBe(USAGE);
  });
});
