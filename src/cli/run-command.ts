import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { scrub } from '../log/scrub.js';
import { EXIT } from '../sync/exit-codes.js';
import { parseOnlySelectors } from '../sync/only-select.js';
import { runOnly } from '../sync/only.js';
import { runSync, type RunResult } from '../sync/run.js';
import { failureOf, failureReport, type Failure } from './failure.js';
import { compose, configSecrets } from './compose.js';
import type { Out } from './out.js';
import { planJson } from './plan-json.js';
import { renderReport } from './render.js';
import { renderPlan, type PlanView } from './render-plan.js';
import { acquireSyncLock } from './run-lock.js';
import { runProgress } from './run-progress.js';
import { pushRunMetrics } from '../ops/pushgateway.js';

/**
 * `icsync diff` and `icsync sync`: read, plan, and (sync) apply under the run lock. Whatever the
 * outcome, `--json` prints a report and `--report` writes one (unless its own path is the problem),
 * so a script never has to parse an error line.
 */
export async function runCommand(
  mode: 'diff' | 'sync',
  configPath: string,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  const startedAt = new Date().toISOString();
  try {
    if (typeof values.report === 'string') await assertReportWritable(values.report);
    return await run(mode, configPath, values, env, out);
  } catch (err) {
    const failure = err instanceof RunFailure ? err.failure : failureOf(err);
    const report = failureReport(mode, startedAt, failure);
    out.stderr(scrub(`icsync: ${failure.message}`, []));
    if (values.json === true) out.stdout(scrub(planJson({ report }), []));
    if (typeof values.report === 'string' && !(err instanceof ReportPathError))
      await writeFile(values.report, scrub(JSON.stringify(report, null, 2), []), { mode: 0o600 }).catch(
        () => undefined,
      );
    return failure.exitCode;
  }
}

/** An outcome decided before a run report exists (the run lock was not obtained). */
class RunFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

class ReportPathError extends ConfigError {}

async function run(
  mode: 'diff' | 'sync',
  configPath: string,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  const only = Array.isArray(values.only) ? parseOnlySelectors(values.only as string[]) : [];
  const loaded = await loadConfig(configPath, env);
  const config = values.queue === true ? { ...loaded, queue: { ...loaded.queue, enabled: true } } : loaded;
  const secrets = await configSecrets(config, env);
  const progress = runProgress(config, secrets, process.stderr);
  const deps = await compose(config, env, progress.logger);
  // Reports and printed plans leave the process: no configured secret, no credential-shaped value.
  const safeOut: Out = { stdout: (s) => out.stdout(scrub(s, secrets)), stderr: (s) => out.stderr(scrub(s, secrets)) };
  const interrupt = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    deps.logger.warn(
      { signal: sig },
      'stopping: no new operation starts; in-flight ones finish and the state is saved',
    );
    interrupt.abort(new Error(`received ${sig}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const lock =
    mode === 'sync'
      ? await acquireSyncLock({
          config,
          ...(deps.redis ? { redis: deps.redis } : {}),
          logger: deps.logger,
          signal: interrupt.signal,
          onLost: () => {
            deps.logger.error('lost the run lock (expired or taken over); stopping before another writer interleaves');
            interrupt.abort(new Error('run lock lost'));
          },
        }).catch(async (err: unknown) => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          await deps.close();
          throw err;
        })
      : undefined;
  if (lock === null) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await deps.close();
    throw new RunFailure(
      interrupt.signal.aborted
        ? {
            status: 'interrupted',
            exitCode: EXIT.interrupted,
            message: 'interrupted while waiting for the run lock; nothing was applied',
          }
        : {
            status: 'locked',
            exitCode: EXIT.locked,
            message: `locked: another icsync sync held the run lock for longer than sync.lockWaitMs (${config.sync.lockWaitMs} ms); nothing was applied`,
          },
    );
  }
  try {
    const options: Parameters<typeof runSync>[1] = {
      mode,
      signal: interrupt.signal,
      ...(typeof values.approve === 'string' ? { approve: values.approve } : {}),
      allowEmptySource: values['allow-empty-source'] === true,
      allowShrink: values['allow-shrink'] === true,
      ...progress.hooks(deps),
    };
    const result =
      only.length > 0 ? await runOnly(deps, { ...options, selectors: only }) : await runSync(deps, options);
    progress.stop();
    if (typeof values.report === 'string') {
      // The run's outcome stands whatever happens to the report file; its failure is only a warning.
      await writeFile(values.report, scrub(JSON.stringify(result.report, null, 2), secrets), { mode: 0o600 }).catch(
        (err: unknown) =>
          deps.logger.warn({ err: { message: (err as Error).message } }, 'could not write the --report file'),
      );
    }
    await pushRunMetrics(result.report, config.metrics, deps.logger);
    print(result, values.json === true, safeOut, { full: values.full === true, maskPii: config.output.maskPii });
    return result.report.exitCode;
  } finally {
    progress.stop();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await lock?.release().catch(() => undefined);
    await deps.close();
  }
}

function print(result: RunResult, json: boolean, out: Out, view: PlanView): void {
  if (json) {
    out.stdout(planJson(result));
    return;
  }
  if (result.plan)
    out.stdout(renderPlan(result.plan, { ...view, ...(result.shrinkHold ? { shrinkHold: result.shrinkHold } : {}) }));
  out.stdout(renderReport(result.report));
}

/** A report that cannot be written is an operator mistake to catch before anything is applied. */
async function assertReportWritable(path: string): Promise<void> {
  try {
    await access(dirname(resolve(path)), constants.W_OK);
  } catch {
    throw new ReportPathError(
      `--report ${path}: its directory does not exist or is not writable; nothing was read or applied`,
    );
  }
}
