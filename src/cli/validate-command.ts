import { assertSafeEnvironment } from '../config/environment.js';
import { loadConfig } from '../config/load.js';
import { checkFileReferences, fileReferences, secretReferences } from '../config/references.js';
import type { Config } from '../config/schema.js';
import { scrub } from '../log/scrub.js';
import { resolveSecret } from '../secret/secret.js';
import { EXIT } from '../sync/exit-codes.js';
import type { Out } from './out.js';
import type { Check } from './validate-check.js';

/**
 * `icsync validate-config [--online]`: the schema, the environment, every secret and every file the
 * config names; with `--online` also one small authenticated read of each source and of AWS. All
 * checks run and each prints one line; the exit code is the first failure's (6 for the config and
 * its files, then what `sync` would exit with for the same failure), never 1.
 */
export async function validateConfig(
  configPath: string,
  env: NodeJS.ProcessEnv,
  out: Out,
  options: { online?: boolean } = {},
): Promise<number> {
  const config = await loadConfig(configPath, env);
  assertSafeEnvironment(env);
  const checks: Check[] = [
    {
      name: 'config',
      ok: true,
      detail: `${configPath} is valid: ${config.sources.length} source(s) [${config.sources.map((s) => `${s.type}:${s.id}`).join(', ')}], target ${new URL(config.target.baseUrl).host}`,
    },
  ];
  // Every secret value read is scrubbed from what is printed, whatever a message might echo.
  const secrets: string[] = [];
  checks.push(...(await offlineChecks(config, env, secrets)));
  const print = (c: Check): void => {
    const line = c.ok
      ? `ok      ${c.name}: ${c.detail}`
      : `failed  ${c.name}: ${c.detail}${c.hint ? `; check ${c.hint}` : ''}`;
    (c.ok ? out.stdout : out.stderr)(scrub(line, secrets));
  };
  checks.forEach(print);
  if (options.online) {
    if (checks.every((c) => c.ok)) {
      const { onlineChecks } = await import('./validate-online.js');
      await onlineChecks(config, env, (c) => {
        checks.push(c);
        print(c);
      });
    } else out.stderr('online checks skipped: fix the problems above first');
  }
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0) out.stderr(`${failed.length} of ${checks.length} check(s) failed`);
  return failed[0]?.exitCode ?? EXIT.success;
}

async function offlineChecks(config: Config, env: NodeJS.ProcessEnv, secrets: string[]): Promise<Check[]> {
  const checks: Check[] = [];
  for (const { configPath, ref } of secretReferences(config)) {
    const where = 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
    try {
      secrets.push(await resolveSecret(ref, env));
      checks.push({ name: configPath, ok: true, detail: `secret from ${where} is set` });
    } catch (err) {
      checks.push({
        name: configPath,
        ok: false,
        detail: (err as Error).message,
        hint: 'env' in ref ? `that the variable is set for this process` : 'the path and the Secret volume mounting it',
        exitCode: EXIT.configInvalid,
      });
    }
  }
  const references = fileReferences(config);
  const problems = await checkFileReferences(references);
  for (const ref of references) {
    const problem = problems.find((p) => p.configPath === ref.configPath);
    checks.push(
      problem
        ? {
            name: ref.configPath,
            ok: false,
            detail: problem.reason,
            hint: ref.use === 'read' ? 'the path and the volume mounting it' : 'the state volume and its permissions',
            exitCode: EXIT.configInvalid,
          }
        : {
            name: ref.configPath,
            ok: true,
            detail: ref.use === 'read' ? `${ref.file} is readable` : `${ref.file} is writable (or can be created)`,
          },
    );
  }
  return checks;
}
