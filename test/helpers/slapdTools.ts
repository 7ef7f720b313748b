/** Command-line helpers for the slapd test harness: openssl certificates and ldap-utils runs. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Certificate {
  certFile: string;
  keyFile: string;
}

/**
 * A self-signed certificate (its own CA) for 127.0.0.1 and localhost, so TLS is verified exactly as
 * in production. An EC key keeps generation to a few milliseconds.
 */
export async function createSelfSignedCertificate(dir: string, name = 'server'): Promise<Certificate> {
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  await runTool('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}

/** Runs a tool to completion, feeding `input` on stdin; rejects with its stderr on a non-zero exit. */
export function runTool(command: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (err) => reject(new Error(`${command} could not be started: ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}
