import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { assertSafeEnvironment } from '../config/environment.js';
import { findSecretRefs, resolveSecret } from '../config/secret.js';
import { ConfigError, SyncError } from '../errors.js';
import { EXIT } from '../sync/exit-codes.js';
import { runSync, type RunResult } from '../sync/run.js';
import { scrub } from '../log/logger.js';
import { compose, configSecrets } from './compose.js';
import { runEmulatorCommand } from './emulator-command.js';
import { runWorkerCommand } from './worker-command.js';
import { runEnsureSubscriptions, runServe } from './serve-wiring.js';
import { RedisUnavailableError } from '../queue/connection.js';
import { acquireSyncLock } from './run-lock.js';
import { renderPlan, renderReport } from './render.js';
import { pushRunMetrics } from '../ops/pushgateway.js';

export const USAGE = `Usage: icsync <command> [options]

Commands:
  diff              dry run: read sources and AWS, print the plan; sends no write
  sync              read, plan and apply (blocked plans need --approve <hash>)
  validate-config   check the configuration file and the secrets it names
  worker            apply queued plan operations (queue mode) until SIGTERM
  serve             receive Graph change notifications and Okta event hooks; re-read and sync
  subscriptions ensure   create or renew the Graph change-notification subscriptions
  emulator          run the local AWS IAM Identity Center SCIM emulator

Options:
  --config <path>        configuration file (default: $ICSYNC_CONFIG or config/icsync.yaml)
  --json                 print machine-readable JSON on stdout
  --approve <hash>       sync: apply a plan held by the deletion brake, only if its hash matches
  --queue                sync: apply through the BullMQ queue and \`icsync worker\` processes
  --allow-empty-source   accept a source that returned no users
  --allow-shrink         accept a source that shrank more than sync.maxSourceShrinkPercent
  --report <path>        sync/diff: also write the JSON run report to this file
  --port <n>, --host <h> emulator: where to listen (default 127.0.0.1:8080); \`icsync emulator --help\` lists its switches

Exit codes: 0 success, 2 changes pending (diff), 3 blocked by the deletion brake,
4 partial failure, 5 credentials invalid, 6 config invalid, 7 source failed or refused,
8 Redis unavailable or unsafe, 9 throttled past sync.maxThrottleWaitMs, 10 locked by another sync,
1 internal error.`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  approve: { type: 'string' },
  queue: { type: 'boolean', default: false },
  'allow-empty-source': { type: 'boolean', default: false },
  'allow-shrink': { type: 'boolean', default: false },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };
const defaultOut: Out = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
};

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Out = defaultOut,
): Promise<number> {
  // The emulator has its own flags (EMULATOR_USAGE).
  if (argv[0] === 'emulator') return runEmulatorCommand(argv.slice(1), env, out);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    out.stderr(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.configInvalid;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    out.stdout(USAGE);
    return command || values.help ? EXIT.success : EXIT.configInvalid;
  }
  const configPath = values.config ?? env.ICSYNC_CONFIG ?? 'config/icsync.yaml';
  try {
    switch (command) {
      case 'diff':
      case 'sync':
        return await runCommand(command, configPath, values, env, out);
      case 'validate-config':
        return await validateConfig(configPath, env, out);
      case 'serve':
        return await runServe(await loadConfig(configPath, env), env);
      case 'subscriptions':
        if (positionals[1] !== 'ensure') {
          out.stderr(`usage: icsync subscriptions ensure [--config <path>]`);
          return EXIT.configInvalid;
        }
        return await runEnsureSubscriptions(await loadConfig(configPath, env), env, out.stdout);
      case 'worker':
        return await runWorkerCommand(await loadConfig(configPath, env), env);
      default:
        out.stderr(`unknown command "${command}"\n\n${USAGE}`);
        return EXIT.configInvalid;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      out.stderr(err.message);
      return EXIT.configInvalid;
    }
    if (err instanceof RedisUnavailableError) {
      out.stderr(err.message);
      return EXIT.redisUnavailable;
    }
    out.stderr(
      scrub(
        `icsync: ${err instanceof SyncError ? `[${err.code}] ` : ''}${err instanceof Error ? err.message : String(err)}`,
        [],
      ),
    );
    return EXIT.internal;
  }
}

async function runCommand(
  mode: 'diff' | 'sync',
  configPath: string,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  const loaded = await loadConfig(configPath, env);
  const config = values.queue === true ? { ...loaded, queue: { ...loaded.queue, enabled: true } } : loaded;
  const deps = await compose(config, env);
  const secrets = await configSecrets(config, env);
  // Reports and printed plans leave the process: no configured secret, no credential-shaped value.
  const safeOut: Out = { stdout: (s) => out.stdout(scrub(s, secrets)), stderr: (s) => out.stderr(scrub(s, secrets)) };
  const interrupt = new AbortController();
  const lock =
    mode === 'sync'
      ? await acquireSyncLock({
          config,
          ...(deps.redis ? { redis: deps.redis } : {}),
          logger: deps.logger,
          onLost: () => {
            deps.logger.error('lost the run lock (expired or taken over); stopping before another writer interleaves');
            interrupt.abort(new Error('run lock lost'));
          },
        })
      : undefined;
  if (lock === null) {
    await deps.close();
    out.stderr(
      `locked: another icsync sync held the run lock for longer than sync.lockWaitMs (${config.sync.lockWaitMs} ms); nothing was applied`,
    );
    return EXIT.locked;
  }
  let lastProgress = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    deps.logger.warn(
      { signal: sig },
      'stopping: no new operation starts; in-flight ones finish and the state is saved',
    );
    interrupt.abort(new Error(`received ${sig}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const result = await runSync(deps, {
      mode,
      signal: interrupt.signal,
      ...(typeof values.approve === 'string' ? { approve: values.approve } : {}),
      allowEmptySource: values['allow-empty-source'] === true,
      allowShrink: values['allow-shrink'] === true,
      onProgress: (done, total) => {
        if (Date.now() - lastProgress < 5000 && done !== total) return;
        lastProgress = Date.now();
        deps.logger.info({ done, total }, 'applying plan');
      },
    });
    if (typeof values.report === 'string')
      await writeFile(values.report, scrub(JSON.stringify(result.report, null, 2), secrets), { mode: 0o600 });
    await pushRunMetrics(result.report, config.metrics, deps.logger);
    print(result, values.json === true, safeOut);
    return result.report.exitCode;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await lock?.release().catch(() => undefined);
    await deps.close();
  }
}

function print(result: RunResult, json: boolean, out: Out): void {
  if (json) {
    out.stdout(
      JSON.stringify(
        {
          report: result.report,
          plan: result.plan ? { hash: result.plan.hash, operations: result.plan.operations } : null,
        },
        null,
        2,
      ),
    );
    return;
  }
  if (result.plan) out.stdout(renderPlan(result.plan));
  out.stdout(renderReport(result.report));
}

async function validateConfig(configPath: string, env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  const config = await loadConfig(configPath, env);
  assertSafeEnvironment(env);
  await resolveSecret(config.target.token, env);
  for (const ref of findSecretRefs(config.sources)) await resolveSecret(ref, env);
  out.stdout(
    `config ${configPath} is valid: ${config.sources.length} source(s) [${config.sources.map((s) => `${s.type}:${s.id}`).join(', ')}], target ${new URL(config.target.baseUrl).host}`,
  );
  return EXIT.success;
}
