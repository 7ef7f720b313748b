import { ConfigError } from '../errors.js';

/**
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` turns off certificate verification for every TLS connection in the process, so the
 * SCIM token and LDAP password could go to anyone on the path (CWE-295,
 * https://cwe.mitre.org/data/definitions/295.html). icsync refuses to start with it; private CAs belong in `caFile`
 * or NODE_EXTRA_CA_CERTS.
 */
export function assertSafeEnvironment(env: NodeJS.ProcessEnv): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new ConfigError(
      'NODE_TLS_REJECT_UNAUTHORIZED=0 disables TLS certificate checks for every connection; unset it (trust a private CA with the LDAP caFile option or NODE_EXTRA_CA_CERTS)',
    );
  }
}
