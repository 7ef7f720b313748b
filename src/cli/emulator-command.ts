import { parseArgs } from 'node:util';
import { AWS_REPORTED_RATE_LIMIT, startEmulator, type EmulatorOptions } from '../emulator/index.js';
import { EXIT } from '../sync/exit-codes.js';

export const EMULATOR_USAGE = `Usage: icsync emulator [options]

Options (defaults are the strictest behaviour captured from the real endpoint):
  --port <n>, --host <h>          where to listen (default 127.0.0.1:8080)
  --tenant <id>                   tenant id in the base path /<id>/scim/v2; other tenants get 404 "TENANT does not exist."
  --rate <req/s>                  token-bucket rate limit, 0 to disable (default ${AWS_REPORTED_RATE_LIMIT.requestsPerSecond}, burst ${AWS_REPORTED_RATE_LIMIT.burst})
  --consistency-lag-ms <ms>       fresh users/groups answer 404 and are missing from filters this long (default 0)
  --pathless-patch <mode>         single-attribute (default) | any
  --unknown-tenant <answer>       not-found (default) | unauthorized
  --resource-ids <form>           uuid (default) | prefixed
  --forbidden-characters <chars>  characters refused in every attribute (default "<>;:%" plus tab, CR, LF)
  --inline-members <mode>         accept (default) | refuse: 400 to a CreateGroup carrying members | ignore: 201, members dropped

The bearer token comes from ICSYNC_EMULATOR_TOKEN (default "emulator-token").`;

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  tenant: { type: 'string' },
  rate: { type: 'string' },
  'consistency-lag-ms': { type: 'string' },
  'pathless-patch': { type: 'string' },
  'unknown-tenant': { type: 'string' },
  'resource-ids': { type: 'string' },
  'forbidden-characters': { type: 'string' },
  'inline-members': { type: 'string' },
} as const;

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

/**
 * `icsync emulator`: the local AWS IAM Identity Center SCIM emulator for demos and manual tests.
 * It binds to loopback by default and throttles like the real endpoint is reported to, so manual
 * runs see 429s (the figure and its source: AWS_REPORTED_RATE_LIMIT).
 */
export async function runEmulatorCommand(argv: string[], env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  let options: Partial<EmulatorOptions>;
  try {
    const { values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
    if (values.help) {
      out.stdout(EMULATOR_USAGE);
      return EXIT.success;
    }
    options = emulatorOptions(values, env);
  } catch (err) {
    out.stderr(`icsync emulator: ${(err as Error).message}\n\n${EMULATOR_USAGE}`);
    return EXIT.usage;
  }
  const emulator = await startEmulator(options).catch((err: Error) => err);
  if (emulator instanceof Error) {
    out.stderr(listenFailure(emulator, options));
    return EXIT.configInvalid;
  }
  out.stdout(
    `AWS SCIM emulator listening at ${emulator.baseUrl} (token from ICSYNC_EMULATOR_TOKEN${env.ICSYNC_EMULATOR_TOKEN ? '' : ', default "emulator-token"'})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return EXIT.success;
}

/** Where to listen is the operator's choice; a taken or forbidden port is said so, in one line. */
function listenFailure(err: Error, options: Partial<EmulatorOptions>): string {
  const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 8080}`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `icsync emulator: ${where} is already in use (another emulator?); choose another --port, or --port 0 for any free one`;
  if (code === 'EACCES') return `icsync emulator: not allowed to listen on ${where}; choose a --port above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `icsync emulator: --host ${options.host ?? ''} is not an address of this machine`;
  return `icsync emulator: cannot listen on ${where}: ${err.message}`;
}

function emulatorOptions(
  values: Partial<Record<Exclude<keyof typeof FLAGS, 'help'>, string>>,
  env: NodeJS.ProcessEnv,
): Partial<EmulatorOptions> {
  const rate = number(
    values.rate ?? env.ICSYNC_EMULATOR_RATE_LIMIT,
    '--rate',
    AWS_REPORTED_RATE_LIMIT.requestsPerSecond,
  );
  const options: Partial<EmulatorOptions> = {
    port: number(values.port, '--port', 8080),
    host: values.host ?? '127.0.0.1',
    tokens: [env.ICSYNC_EMULATOR_TOKEN ?? 'emulator-token'],
    consistencyLagMs: number(values['consistency-lag-ms'], '--consistency-lag-ms', 0),
    pathlessPatch: choice(values['pathless-patch'], '--pathless-patch', ['single-attribute', 'any'] as const),
    unknownTenant: choice(values['unknown-tenant'], '--unknown-tenant', ['not-found', 'unauthorized'] as const),
    resourceIds: choice(values['resource-ids'], '--resource-ids', ['uuid', 'prefixed'] as const),
    inlineMembers: choice(values['inline-members'], '--inline-members', ['accept', 'refuse', 'ignore'] as const),
    rateLimit:
      rate === 0
        ? null
        : { ...AWS_REPORTED_RATE_LIMIT, requestsPerSecond: rate, burst: Math.max(1, Math.ceil(rate * 2)) },
  };
  if (values.tenant !== undefined) options.tenantId = values.tenant;
  if (values['forbidden-characters'] !== undefined) options.forbiddenCharacters = values['forbidden-characters'];
  if ((options.port ?? 0) > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  return options;
}

function number(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${raw}"`);
  return n;
}

function choice<T extends string>(raw: string | undefined, flag: string, allowed: readonly [T, ...T[]]): T {
  if (raw === undefined) return allowed[0];
  if (!(allowed as readonly string[]).includes(raw))
    throw new Error(`${flag} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}
