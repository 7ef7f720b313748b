import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The test certificate made by test/setup/make-test-cert.sh. `npm test` passes it to Node as
 * NODE_EXTRA_CA_CERTS, so https fakes on 127.0.0.1 are trusted by the real SDKs without turning
 * certificate checks off.
 */
export function testTls(): { key: string; cert: string; certPath: string } {
  const dir = resolve(import.meta.dirname, '../.tls');
  const certPath = join(dir, 'cert.pem');
  try {
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  } catch {
    throw new Error(
      'test TLS certificate missing: run the suite with `npm test` (it runs test/setup/make-test-cert.sh first)',
    );
  }
}

/** True when this process trusts the test certificate (NODE_EXTRA_CA_CERTS is read at process start). */
export function trustsTestCertificate(): boolean {
  return (
    process.env.NODE_EXTRA_CA_CERTS === testTls().certPath ||
    resolve(process.env.NODE_EXTRA_CA_CERTS ?? '') === testTls().certPath
  );
}
