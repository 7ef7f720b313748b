/**
 * The CLI entry: parses the command line and loads only what the command needs, so `--help`,
 * `--version` and `validate-config` start without the source SDKs, BullMQ or the emulator.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, RedisUnavailableError, SyncError } from '../errors.js';
import { scrub } from '../log/scrub.js';
import { ScimError, ScimProtocolError, ScimTransportError } from '../scim/errors.js';
import { EXIT } from '../sync/exit-codes.js';
import type * as EmulatorCommand from './emulator-command.js';
import type { Out } from './out.js';

export const USAGE = `Usage: icsync <command> [options]

Commands:
  diff              dry run: read sources and AWS, print the plan; sends no write
  sync              read, plan and apply (blocked plans need --approve <hash>)
  validate-config   check the configuration file, the secrets and files it names (--online: also sign in)
  worker            apply queued plan operations (queue mode) until SIGTERM
  serve             receive Graph change notifications and Okta event hooks; re-read and sync
  subscriptions ensure   create or renew the Graph change-notification subscriptions
  emulator          run the local AWS IAM Identity Center SCIM emulator
  export groups|users   print every managed group or user with its source id and AWS id; sends no write

Options:
  --version              print the version and exit
  --config <path>        configuration file (default: $ICSYNC_CONFIG or config/icsync.yaml)
  --json                 print machine-readable JSON on stdout
  --approve <hash>       sync: apply a plan held by the deletion brake, only if its hash matches
  --queue                sync: apply through the BullMQ queue and \`icsync worker\` processes
  --allow-empty-source   accept a source that returned no users
  --allow-shrink         accept a source that shrank more than sync.maxSourceShrinkPercent
  --report <path>        sync/diff: also write the JSON run report to this file
  --full                 diff/sync: print every row of the plan (default: 8 per kind)
  --online               validate-config: also sign in to each source and AWS and make one small read
  --only <kind>:<name>   sync/diff: just user:<userName or source id> / group:<displayName or source id>
                         and their memberships (repeatable); provision one person before a full run
  --format <f>           export: json (default), csv or yaml
  --port <n>, --host <h> emulator: where to listen (default 127.0.0.1:8080); \`icsync emulator --help\` lists its switches

Exit codes: 0 success, 2 changes pending (diff), 3 blocked by the deletion brake,
4 partial failure, 5 credentials invalid, 6 config invalid, 7 source failed or refused,
8 Redis unavailable or unsafe, 9 throttled past sync.maxThrottleWaitMs, 10 locked by another sync,
11 AWS SCIM endpoint unavailable, 1 internal error.`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  approve: { type: 'string' },
  queue: { type: 'boolean', default: false },
  'allow-empty-source': { type: 'boolean', default: false },
  'allow-shrink': { type: 'boolean', default: false },
  report: { type: 'string' },
  full: { type: 'boolean', default: false },
  online: { type: 'boolean', default: false },
  only: { type: 'string', multiple: true },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

const defaultOut: Out = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
};

/** package.json sits two levels above this file both in src/cli and in dist/cli. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Out = defaultOut,
): Promise<number> {
  // The emulator has its own flags (EMULATOR_USAGE).
  if (argv[0] === 'emulator') return runEmulator(argv.slice(1), env, out);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    out.stderr(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.configInvalid;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.version) {
    out.stdout(`icsync ${version()}`);
    return EXIT.success;
  }
  if (values.help || !command) {
    out.stdout(USAGE);
    return command || values.help ? EXIT.success : EXIT.configInvalid;
  }
  const configPath = values.config ?? env.ICSYNC_CONFIG ?? 'config/icsync.yaml';
  try {
    return await dispatch(command, positionals, configPath, values, env, out);
  } catch (err) {
    return exitForError(err, out);
  }
}

async function dispatch(
  command: string,
  positionals: string[],
  configPath: string,
  values: Record<string, unknown>,
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
      if (positionals[1] !== 'ensure') {
        out.stderr(`usage: icsync subscriptions ensure [--config <path>]`);
        return EXIT.configInvalid;
      }
      return (await import('./serve-wiring.js')).runEnsureSubscriptions(await load(), env, out.stdout);
    case 'export':
      return (await import('./export-command.js')).exportCommand(positionals[1], configPath, values, env, out);
    case 'worker':
      return (await import('./worker-command.js')).runWorkerCommand(await load(), env);
    default:
      out.stderr(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT.configInvalid;
  }
}

function exitForError(err: unknown, out: Out): number {
  if (err instanceof ConfigError) {
    out.stderr(err.message);
    return EXIT.configInvalid;
  }
  if (err instanceof RedisUnavailableError) {
    out.stderr(err.message);
    return EXIT.redisUnavailable;
  }
  if (targetUnavailable(err)) {
    const why = err instanceof Error ? err.message : String(err);
    out.stderr(scrub(`icsync: AWS SCIM endpoint unavailable, nothing was applied; the next run retries: ${why}`, []));
    return EXIT.targetUnavailable;
  }
  const message = err instanceof Error ? err.message : String(err);
  out.stderr(scrub(`icsync: ${err instanceof SyncError ? `[${err.code}] ` : ''}${message}`, []));
  return EXIT.internal;
}

/** DNS, TLS, connection or 5xx-after-retries failures of the SCIM endpoint, while reading AWS. */
function targetUnavailable(err: unknown): boolean {
  return (
    err instanceof ScimTransportError || err instanceof ScimProtocolError || (err instanceof ScimError && err.isServer)
  );
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
