/** Shared pieces of test/integration/ldap.test.ts: bulk seed data, a source factory, error-chain helpers. */
import { createLogger, type Logger } from '../../src/log/logger.js';
import { createLdapSource } from '../../src/sources/ldap/index.js';
import { ldapSourceConfigSchema, type LdapSourceConfigInput } from '../../src/sources/ldap/config.js';
import type { SourceConnector, SupportsReread } from '../../src/sources/types.js';
import type { Slapd } from './slapd.js';

export const PEOPLE = 'ou=people,dc=example,dc=test';
export const GROUPS = 'ou=groups,dc=example,dc=test';
export const BULK_USERS = 120;
export const PASSWORD_ENV = 'ICSYNC_TEST_LDAP_PASSWORD';

/** `count` users `user001…` and the groupOfNames `everyone` holding all of them. */
export function bulkLdif(count: number): string {
  const uids = Array.from({ length: count }, (_, i) => `user${String(i + 1).padStart(3, '0')}`);
  const users = uids.map(
    (uid) => `dn: uid=${uid},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\n`,
  );
  const group = `dn: cn=everyone,${GROUPS}\nobjectClass: groupOfNames\ncn: everyone\n${uids.map((uid) => `member: uid=${uid},${PEOPLE}\n`).join('')}`;
  return [...users, group].join('\n');
}

export interface SourceOptions {
  config?: Partial<LdapSourceConfigInput>;
  password?: string;
  logger?: Logger;
}

/** An LDAP source reading the seeded tree from `slapd` (plain LDAP unless the config says otherwise). */
export function ldapSource(slapd: Slapd, options: SourceOptions = {}): SourceConnector & SupportsReread {
  const config = ldapSourceConfigSchema.parse({
    type: 'ldap',
    id: 'corp-ldap',
    url: slapd.url,
    allowInsecure: true,
    bindDn: slapd.bindDn,
    bindPassword: { env: PASSWORD_ENV },
    users: { baseDn: PEOPLE },
    groups: { baseDn: GROUPS },
    ...options.config,
  });
  const env = { [PASSWORD_ENV]: options.password ?? slapd.bindPassword };
  return createLdapSource(config, { logger: options.logger ?? createLogger({ level: 'silent' }), env });
}

/** A logger that keeps every line it writes, to check what reaches the log. */
export function capturingLogger(): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const destination = { write: (line: string): void => void lines.push(line) };
  return { logger: createLogger({ level: 'debug', destination }), output: () => lines.join('') };
}

/** The error and its causes, outermost first. */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (err: unknown) => err,
  );
}

export const signal = (): AbortSignal => new AbortController().signal;
