/**
 * A throwaway OpenLDAP `slapd` for integration tests: a fresh temp dir, free ports,
 * a self-signed certificate for ldaps:// and StartTLS, the core/cosine/inetorgperson/nis schemas, the
 * memberof and ppolicy overlays, and AD-like size limits (unpaged searches capped at 20 entries, paged
 * ones unlimited). Tests bind as a non-root, read-only DN, because the rootdn bypasses limits.
 * slapd missing is an error, not a skip: CI installs it (`apt-get install slapd ldap-utils`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { createSelfSignedCertificate, runTool } from './slapdTools.js';

const SLAPD = '/usr/sbin/slapd';
const LDAPADD = '/usr/bin/ldapadd';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];
const FIXTURES = new URL('../fixtures/ldap/', import.meta.url);

export const BASE_DN = 'dc=example,dc=test';
const ROOT_DN = `cn=admin,${BASE_DN}`;
const READER_DN = `cn=reader,ou=system,${BASE_DN}`;
const LIMITED_READER_DN = `cn=limited-reader,ou=system,${BASE_DN}`;
/** Paged searches by the limited reader fail after this many entries in total (`size.prtotal`). */
export const LIMITED_READER_TOTAL = 30;

export interface SlapdOptions {
  /** LDIF files under test/fixtures/ldap/ loaded after start, in order. */
  fixtures?: string[];
}

export interface Slapd {
  url: string;
  ldapsUrl: string;
  host: string;
  port: number;
  caFile: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  /** A reader whose paged searches hit a size limit after LIMITED_READER_TOTAL entries. */
  limitedBindDn: string;
  limitedBindPassword: string;
  pid: number;
  /** Adds entries as the rootdn. */
  ldapadd(ldif: string): Promise<void>;
  /** SIGTERM, wait for exit, remove the temp dir. Safe to call more than once and after kill(). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit, for tests that lose the server mid-read. */
  kill(): Promise<void>;
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  for (const tool of [SLAPD, LDAPADD]) {
    if (!existsSync(tool))
      throw new Error(
        `${tool} not found: install the Debian packages slapd and ldap-utils to run the LDAP integration tests`,
      );
  }
  const dir = await mkdtemp(join(tmpdir(), 'icsync-slapd-'));
  try {
    return await startIn(dir, options);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dir: string, options: SlapdOptions): Promise<Slapd> {
  const passwords = { root: secret(), reader: secret(), limited: secret() };
  const cert = await createSelfSignedCertificate(dir);
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'slapd.conf'), slapdConf(dir, passwords.root, cert));
  await writeFile(join(dir, 'rootpw'), passwords.root);
  const [port, ldapsPort] = await freePorts(2);
  const url = `ldap://127.0.0.1:${port}`;
  const child = spawn(
    SLAPD,
    ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ldaps://127.0.0.1:${ldapsPort}/`, '-d', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = exitOf(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitUntilServing(url, exited, () => stderr);

  const ldapadd = (ldif: string) => runTool(LDAPADD, ['-x', '-H', url, '-D', ROOT_DN, '-y', join(dir, 'rootpw')], ldif);
  await ldapadd(systemLdif(passwords.reader, passwords.limited));
  for (const fixture of options.fixtures ?? []) await ldapadd(await readFile(new URL(fixture, FIXTURES), 'utf8'));

  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    host: '127.0.0.1',
    port: port as number,
    caFile: cert.certFile,
    baseDn: BASE_DN,
    bindDn: READER_DN,
    bindPassword: passwords.reader,
    limitedBindDn: LIMITED_READER_DN,
    limitedBindPassword: passwords.limited,
    pid: child.pid as number,
    ldapadd,
    kill,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function slapdConf(dir: string, rootPassword: string, cert: { certFile: string; keyFile: string }): string {
  return [
    ...SCHEMAS.map((s) => `include /etc/ldap/schema/${s}.schema`),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload memberof',
    'moduleload ppolicy',
    `pidfile ${join(dir, 'slapd.pid')}`,
    `TLSCertificateFile ${cert.certFile}`,
    `TLSCertificateKeyFile ${cert.keyFile}`,
    // AD-like: an unpaged search stops at 20 entries, a paged one is not limited (slapd.conf(5), size.prtotal).
    'sizelimit size.soft=20 size.hard=20 size.prtotal=unlimited',
    'database mdb',
    'maxsize 104857600',
    `suffix "${BASE_DN}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'data')}`,
    'index objectClass,uid,cn,mail,member,uniqueMember,memberUid,entryUUID eq',
    `limits dn.exact="${LIMITED_READER_DN}" size.soft=20 size.hard=20 size.prtotal=${LIMITED_READER_TOTAL}`,
    // Read-only for every non-root DN, the service accounts included; passwords are usable for binds only.
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    'overlay memberof',
    'memberof-group-oc groupOfNames',
    'memberof-member-ad member',
    'memberof-memberof-ad memberOf',
    // pwdAccountLockedTime, the OpenLDAP vendor's disabled marker, is defined by this overlay.
    'overlay ppolicy',
    '',
  ].join('\n');
}

function systemLdif(readerPassword: string, limitedPassword: string): string {
  const account = (cn: string, password: string) =>
    `dn: cn=${cn},ou=system,${BASE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: ${cn}\nuserPassword: ${password}\n`;
  return [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n`,
    `dn: ou=system,${BASE_DN}\nobjectClass: organizationalUnit\nou: system\n`,
    account('reader', readerPassword),
    account('limited-reader', limitedPassword),
  ].join('\n');
}

/** Polls the RootDSE until slapd answers; fails fast with slapd's own message if it exits. */
async function waitUntilServing(url: string, exited: Promise<void>, stderr: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (gone) throw new Error(`slapd exited during startup: ${stderr().trim() || 'no output'}`);
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.search('', { scope: 'base', attributes: ['namingContexts'] });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`slapd did not answer on ${url} within 10 s`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/** Ports the OS reports free: bind port 0, read the port, release it. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function secret(): string {
  return randomBytes(12).toString('base64url');
}
