import { startEmulator } from '../emulator/index.js';
import { EXIT } from '../sync/exit-codes.js';

/**
 * `icsync emulator`: the local AWS IAM Identity Center SCIM emulator for demos and manual tests.
 * It binds to loopback by default; the bearer token comes from ICSYNC_EMULATOR_TOKEN.
 */
export async function runEmulatorCommand(
  args: { port?: string | undefined; host?: string | undefined },
  env: NodeJS.ProcessEnv,
  out: { stdout: (s: string) => void; stderr: (s: string) => void },
): Promise<number> {
  const port = Number(args.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    out.stderr(`--port must be a port number, got "${args.port}"`);
    return EXIT.configInvalid;
  }
  const token = env.ICSYNC_EMULATOR_TOKEN ?? 'emulator-token';
  const rps = env.ICSYNC_EMULATOR_RATE_LIMIT ? Number(env.ICSYNC_EMULATOR_RATE_LIMIT) : undefined;
  const emulator = await startEmulator({
    port,
    host: args.host ?? '127.0.0.1',
    tokens: [token],
    rateLimit: rps ? { requestsPerSecond: rps, burst: Math.max(1, Math.ceil(rps)), retryAfter: 'seconds' } : null,
  });
  out.stdout(`AWS SCIM emulator listening at ${emulator.baseUrl} (token from ICSYNC_EMULATOR_TOKEN${env.ICSYNC_EMULATOR_TOKEN ? '' : ', default "emulator-token"'})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return EXIT.success;
}
