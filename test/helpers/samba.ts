/**
 * A throwaway Samba Active Directory domain controller for integration tests, from Debian's samba,
 * samba-ad-dc and ldb-tools packages: `samba-tool domain provision` in a temp dir
 * (https://wiki.samba.org/index.php/Setting_up_Samba_as_an_Active_Directory_Domain_Controller),
 * seeded offline with `ldbmodify`, then `samba` with only its LDAP service, on 127.0.0.1.
 *
 * Samba has no setting for its LDAP ports, so the DC listens on 127.0.0.1:389 (StartTLS) and :636
 * (LDAPS): one DC per machine at a time, so only one test file may start it. A missing package or a
 * taken port is an error, never a skip: CI installs the packages (.ci/run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { createSelfSignedCertificate, runTool } from './slapdTools.js';

const SAMBA = '/usr/sbin/samba';
const SAMBA_TOOL = '/usr/bin/samba-tool';
const LDBMODIFY = '/usr/bin/ldbmodify';
const HOST = '127.0.0.1';
const PORTS = { ldap: 389, ldaps: 636 } as const;

export const REALM = 'ICSYNC.TEST';
export const AD_BASE_DN = 'DC=icsync,DC=test';
export const AD_USERS = `CN=Users,${AD_BASE_DN}`;
/** Fixed, so seed data can give groups known SIDs (and users known primary groups). */
export const DOMAIN_SID = 'S-1-5-21-1000-2000-3000';
const SERVICE_ACCOUNT = 'svc-icsync';

export interface SambaDc {
  /** `ldap://127.0.0.1:389`: simple binds over it need StartTLS or `allowInsecure`. */
  url: string;
  ldapsUrl: string;
  caFile: string;
  baseDn: string;
  /** A plain domain user (no admin rights) for the source to bind as, by userPrincipalName. */
  bindDn: string;
  bindPassword: string;
  /** Milliseconds spent provisioning and seeding, and from spawn to the first RootDSE answer. */
  timings: { provisionMs: number; seedMs: number; startMs: number };
  /** SIGTERM, wait for exit, remove the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startSambaDc(options: { seedLdif?: () => string } = {}): Promise<SambaDc> {
  for (const tool of [SAMBA, SAMBA_TOOL, LDBMODIFY]) {
    if (!existsSync(tool))
      throw new Error(
        `${tool} not found: install the Debian packages samba, samba-ad-dc, samba-ad-provision and ldb-tools to run the Active Directory tests`,
      );
  }
  await assertPortsFree();
  const dir = await mkdtemp(join(tmpdir(), 'icsync-samba-'));
  try {
    return await startIn(dir, options.seedLdif);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dir: string, seed: (() => string) | undefined): Promise<SambaDc> {
  const adminPassword = strongPassword();
  const bindPassword = strongPassword();
  let started = performance.now();
  await runTool(SAMBA_TOOL, [
    'domain',
    'provision',
    '--use-rfc2307',
    `--realm=${REALM}`,
    '--domain=ICSYNC',
    '--server-role=dc',
    '--dns-backend=NONE',
    '--host-name=dc1',
    `--domain-sid=${DOMAIN_SID}`,
    `--targetdir=${dir}`,
    `--adminpass=${adminPassword}`,
  ]);
  const provisionMs = performance.now() - started;
  started = performance.now();
  const ldif = [serviceAccountLdif(bindPassword), seed?.() ?? ''].join('\n');
  await runTool(LDBMODIFY, ['-H', join(dir, 'private', 'sam.ldb'), '--controls=relax:0'], ldif);
  const seedMs = performance.now() - started;

  const cert = await createSelfSignedCertificate(dir);
  const conf = join(dir, 'etc', 'smb.conf');
  await writeFile(conf, smbConf(dir, cert));
  started = performance.now();
  const child = spawn(SAMBA, ['-i', '-M', 'single', '-s', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `ldap://${HOST}:${PORTS.ldap}`;
  try {
    await waitUntilServing(url, exited, () => output);
  } catch (err) {
    await terminate(child, exited);
    throw err;
  }
  const startMs = performance.now() - started;
  return {
    url,
    ldapsUrl: `ldaps://${HOST}:${PORTS.ldaps}`,
    caFile: cert.certFile,
    baseDn: AD_BASE_DN,
    bindDn: `${SERVICE_ACCOUNT}@${REALM.toLowerCase()}`,
    bindPassword,
    timings: { provisionMs: Math.round(provisionMs), seedMs: Math.round(seedMs), startMs: Math.round(startMs) },
    stop: async () => {
      await terminate(child, exited);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Only the LDAP server runs (`server services`); all state stays in the temp dir. Simple binds over
 * plain LDAP are allowed, as on a Windows DC without LDAP signing enforced, so the insecure path can be
 * exercised too (smb.conf(5), "ldap server require strong auth").
 */
function smbConf(dir: string, cert: { certFile: string; keyFile: string }): string {
  return [
    '[global]',
    'netbios name = DC1',
    `realm = ${REALM}`,
    'workgroup = ICSYNC',
    'server role = active directory domain controller',
    'server services = ldap',
    `interfaces = ${HOST}`,
    'bind interfaces only = yes',
    `private dir = ${join(dir, 'private')}`,
    `state directory = ${join(dir, 'state')}`,
    `cache directory = ${join(dir, 'cache')}`,
    `lock directory = ${dir}`,
    `pid directory = ${dir}`,
    `ncalrpc dir = ${join(dir, 'ncalrpc')}`,
    `binddns dir = ${join(dir, 'bind-dns')}`,
    `log file = ${join(dir, 'log.%m')}`,
    'idmap_ldb:use rfc2307 = yes',
    'ldap server require strong auth = no',
    'tls enabled = yes',
    `tls certfile = ${cert.certFile}`,
    `tls keyfile = ${cert.keyFile}`,
    'tls cafile =',
    '',
  ].join('\n');
}

function serviceAccountLdif(password: string): string {
  return [
    `dn: CN=${SERVICE_ACCOUNT},${AD_USERS}`,
    'changetype: add',
    'objectClass: user',
    `sAMAccountName: ${SERVICE_ACCOUNT}`,
    `userPrincipalName: ${SERVICE_ACCOUNT}@${REALM.toLowerCase()}`,
    'userAccountControl: 512',
    `unicodePwd:: ${unicodePwd(password)}`,
    '',
  ].join('\n');
}

/** `unicodePwd` is the quoted password in UTF-16LE (MS-ADTS 3.1.1.3.1.5.1), base64 for LDIF. */
function unicodePwd(clear: string): string {
  return Buffer.from(`"${clear}"`, 'utf16le').toString('base64');
}

/** Meets AD's default complexity rule (three of four character classes, length ≥ 7). */
function strongPassword(): string {
  return `Aa1!${randomBytes(12).toString('base64url')}`;
}

async function assertPortsFree(): Promise<void> {
  for (const port of Object.values(PORTS)) {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, HOST, resolve));
    } catch (err) {
      throw new Error(
        `${HOST}:${port} is taken: another LDAP server (or a second Samba test) is running; Samba's LDAP ports cannot be changed`,
        { cause: err },
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }
}

/** Polls the RootDSE (readable anonymously on AD) until Samba answers; fails with Samba's output if it exits. */
async function waitUntilServing(url: string, exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`samba exited during startup: ${output().trim() || 'no output'}`);
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`samba did not answer on ${url} within 30 s: ${output().trim()}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
