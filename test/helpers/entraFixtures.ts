import { pino, type Logger } from 'pino';
import {
  entraSourceConfigSchema,
  type EntraSourceConfig,
  type EntraSourceConfigInput,
} from '../../src/sources/entra/config.js';
import { createEntraSource } from '../../src/sources/entra/index.js';
import type { SourceConnector, SupportsProbe, SupportsReread } from '../../src/sources/types.js';
import { MemorySourceStateStore } from '../../src/state/file-source-state.js';
import { GraphFake } from './graphFake.js';
import type { FakeUser } from './graphFakeTenant.js';
import { trustsTestCertificate } from './tls.js';

export const TENANT_ID = '7d4b1e2a-0c3f-4a5b-9c8d-1e2f3a4b5c6d';
export const CLIENT_ID = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';
/** A canary: it must never show up in a log line or an error. */
export const CLIENT_SECRET = 'canary-entra-secret-Zq8Rk2Vw';
export const SECRET_ENV = 'ICSYNC_TEST_ENTRA_SECRET';
export const ENTRA_SOURCE_ID = 'corp-entra';

/** A user object id (GUID) from a small number. */
export function uid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A group object id (GUID) from a small number. */
export function gid(n: number): string {
  return `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** A member user with every mapped property set; `over` replaces any of them. */
export function person(n: number, over: Partial<FakeUser> = {}): FakeUser {
  return {
    id: uid(n),
    userPrincipalName: `user${n}@contoso.example`,
    mail: `user${n}@contoso.example`,
    displayName: `User ${n}`,
    givenName: 'User',
    surname: `Number${n}`,
    jobTitle: 'Engineer',
    department: 'R&D',
    employeeId: `E${n}`,
    companyName: 'Contoso',
    businessPhones: [`+1 555 0${n}`],
    ...over,
  };
}

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  text: () => string;
}

/** A bare pino logger at trace with no redaction, so a test sees exactly what the source logs. */
export function captureLogger(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'trace' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines, text: () => JSON.stringify(lines) };
}

/** A config pointed at the fake; retries are fast so fault tests stay quick. */
export function entraConfig(fake: GraphFake, over: Partial<EntraSourceConfigInput> = {}): EntraSourceConfig {
  return entraSourceConfigSchema.parse({
    type: 'entra',
    id: ENTRA_SOURCE_ID,
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    credential: { clientSecret: { env: SECRET_ENV } },
    authorityHost: fake.authorityHost,
    disableInstanceDiscovery: true,
    graphBaseUrl: fake.graphBaseUrl,
    pageSize: 2,
    retry: { maxRetries: 2, delaySeconds: 0.05 },
    requestTimeoutMs: 5000,
    ...over,
  });
}

export interface EntraWorld {
  fake: GraphFake;
  state: MemorySourceStateStore;
  log: CapturedLog;
  /** A source on the fake; `env` holds the secret references (default: the canary client secret). */
  source(
    over?: Partial<EntraSourceConfigInput>,
    env?: NodeJS.ProcessEnv,
  ): SourceConnector & SupportsReread & SupportsProbe;
  close(): Promise<void>;
}

/** The Graph fake and a factory for sources wired to it exactly as in production, only the URLs changed. */
export async function startEntraWorld(options: { certificatePem?: string } = {}): Promise<EntraWorld> {
  if (!trustsTestCertificate()) {
    throw new Error(
      'the Graph fake needs NODE_EXTRA_CA_CERTS=test/.tls/cert.pem: run `npm test`, or see test/setup/make-test-cert.sh',
    );
  }
  const fake = await GraphFake.start({
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...options,
  });
  const state = new MemorySourceStateStore();
  const log = captureLogger();
  return {
    fake,
    state,
    log,
    source: (over = {}, env = { [SECRET_ENV]: CLIENT_SECRET }) =>
      createEntraSource(entraConfig(fake, over), { logger: log.logger, env, state }),
    close: () => fake.close(),
  };
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}
