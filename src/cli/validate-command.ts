import { assertSafeEnvironment } from '../config/environment.js';
import { loadConfig } from '../config/load.js';
import { findSecretRefs, resolveSecret } from '../secret/secret.js';
import { EXIT } from '../sync/exit-codes.js';
import type { Out } from './out.js';

/** `icsync validate-config`: the schema, the environment and every secret the config names. */
export async function validateConfig(configPath: string, env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  const config = await loadConfig(configPath, env);
  assertSafeEnvironment(env);
  await resolveSecret(config.target.token, env);
  for (const ref of findSecretRefs(config.sources)) await resolveSecret(ref, env);
  out.stdout(
    `config ${configPath} is valid: ${config.sources.length} source(s) [${config.sources.map((s) => `${s.type}:${s.id}`).join(', ')}], target ${new URL(config.target.baseUrl).host}`,
  );
  return EXIT.success;
}
