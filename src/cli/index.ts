/**
 * The CLI entry: parses the command line and loads only what the command needs, so `--help`,
 * `--version` and `validate-config` start without the source SDKs, BullMQ or the emulator.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { scrub } from '../log/scrub.js';
import { failureOf, failureReport } from './failure.js';
import { EXIT, EXIT_SUMMARY } from '../sync/exit-codes.js';
import { COMMANDS, commandHelp, flagList, parseArgsOptions, type FlagSpec } from './commands.js';
import type * as EmulatorCommand from './emulator-command.js';
import type { Out } from './out.js';

/** The words a command accepts after it; a command not listed takes none. */
const SUBCOMMANDS: Record<string, readonly string[]> = { subscriptions: ['ensure'], export: ['groups', 'users'] };
const COMMAND_LIST = Object.entries(COMMANDS)
  .map(
    ([name, c]) => `  ${(SUBCOMMANDS[name] ? `${name} ${SUBCOMMANDS[name].join('|')}` : name).padEnd(22)} ${c.summary}`,
  )
  .join('\n');

export const USAGE = `Usage: icsync <command> [options]

Commands:
${COMMAND_LIST}
  help <command>         print a command's options and examples

Options:
  --help, -h             print help (\`icsync <command> --help\` for a command's options)
  --version              print the version and exit

${EXIT_SUMMARY}`;

const defaultOut: Out = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
};

/** package.json sits two levels above this file both in src/cli and in dist/cli. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

interface Invocation {
  command: string;
  /** The word after the command where it takes one (`subscriptions ensure`, `export groups`). */
  subcommand?: string;
  values: Record<string, unknown>;
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Out = defaultOut,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    out.stderr(USAGE);
    return EXIT.usage;
  }
  if (first === '--version') {
    out.stdout(`icsync ${version()}`);
    return EXIT.success;
  }
  if (first === '--help' || first === '-h') {
    out.stdout(USAGE);
    return EXIT.success;
  }
  if (first === 'help') return printHelp(rest[0], out);
  // The emulator has its own flags (EMULATOR_USAGE).
  if (first === 'emulator') return runEmulator(rest, env, out);
  let call: Invocation;
  try {
    call = parseCommandLine(first, rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out.stderr(err.message);
    // Scripts that asked for JSON get a report even for a mistyped command line.
    if ((first === 'diff' || first === 'sync') && rest.includes('--json')) {
      const failure = { status: 'usage-error' as const, exitCode: EXIT.usage, message: err.message };
      out.stdout(
        JSON.stringify({ report: failureReport(first, new Date().toISOString(), failure), plan: null }, null, 2),
      );
    }
    return EXIT.usage;
  }
  if (call.values.version === true) {
    out.stdout(`icsync ${version()}`);
    return EXIT.success;
  }
  if (call.values.help === true) return printHelp(call.command, out);
  const configPath = (call.values.config as string | undefined) ?? env.ICSYNC_CONFIG ?? 'config/icsync.yaml';
  try {
    return await dispatch(call, configPath, env, out);
  } catch (err) {
    return exitForError(err, out);
  }
}

/** Parses `<command> [flags]` against the command's own flag table (COMMANDS). */
function parseCommandLine(command: string, args: string[]): Invocation {
  const spec = COMMANDS[command];
  if (!spec && command.startsWith('-')) {
    throw new UsageError(`icsync: the command comes first: icsync <command> [options] (got ${command} before it)`);
  }
  if (!spec) {
    throw new UsageError(
      `icsync: unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}, help. Run icsync --help`,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: parseArgsOptions(spec.flags), allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, command, spec.flags));
  }
  const allowed = SUBCOMMANDS[command];
  const given = parsed.positionals.join(' ');
  const fits = allowed ? parsed.positionals.length === 1 && allowed.includes(given) : given === '';
  if (!fits && parsed.values.help !== true) {
    throw new UsageError(
      `icsync ${command}: usage: icsync ${spec.usage}, got "icsync ${`${command} ${given}`.trim()}" (icsync ${command} --help)`,
    );
  }
  return { command, values: parsed.values, ...(parsed.positionals[0] ? { subcommand: parsed.positionals[0] } : {}) };
}

/** node:util's messages name its own API ('To specify a positional argument…'); say what icsync accepts instead. */
function describeParseError(err: unknown, command: string, flags: Record<string, FlagSpec>): string {
  const { code, message } = err as { code?: string; message: string };
  const flag = /'(-[^ ']+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `icsync ${command}: unknown flag ${flag}; valid flags: ${flagList(flags)}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = flag.replace(/^-+/, '');
    const spec = flags[name];
    return spec?.type === 'string'
      ? `icsync ${command}: ${flag} needs a value (${flag} ${spec.value ?? '<value>'})`
      : `icsync ${command}: ${flag} takes no value`;
  }
  return `icsync ${command}: ${message}`;
}

async function printHelp(command: string | undefined, out: Out): Promise<number> {
  if (command === undefined) {
    out.stdout(USAGE);
    return EXIT.success;
  }
  if (command === 'emulator') return runEmulator(['--help'], process.env, out);
  const spec = COMMANDS[command];
  if (!spec) {
    out.stderr(`icsync: no help for unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return EXIT.usage;
  }
  out.stdout(commandHelp(spec));
  return EXIT.success;
}

async function dispatch(
  { command, subcommand, values }: Invocation,
  configPath: string,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  const load = async () => (await import('../config/load.js')).loadConfig(configPath, env);
  switch (command) {
    case 'diff':
    case 'sync':
      return (await import('./run-command.js')).runCommand(command, configPath, values, env, out);
    case 'validate-config':
      return (await import('./validate-command.js')).validateConfig(configPath, env, out, {
        online: values.online === true,
      });
    case 'serve':
      return (await import('./serve-wiring.js')).runServe(await load(), env);
    case 'subscriptions':
      return (await import('./serve-wiring.js')).runEnsureSubscriptions(await load(), env, out.stdout);
    case 'export':
      return (await import('./export-command.js')).exportCommand(subcommand, configPath, values, env, out);
    case 'worker':
      return (await import('./worker-command.js')).runWorkerCommand(await load(), env);
    default:
      throw new Error(`command "${command}" is in the command table but not dispatched`);
  }
}

function exitForError(err: unknown, out: Out): number {
  const { exitCode, message } = failureOf(err);
  out.stderr(scrub(`icsync: ${message}`, []));
  return exitCode;
}

/** The container image leaves the emulator out; say so instead of failing with a module error. */
async function runEmulator(args: string[], env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  let command: typeof EmulatorCommand;
  try {
    command = await import('./emulator-command.js');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    out.stderr(
      'the SCIM emulator is not part of this build (the container image leaves it out); run it from a checkout: npm run icsync -- emulator',
    );
    return EXIT.configInvalid;
  }
  return command.runEmulatorCommand(args, env, out);
}
