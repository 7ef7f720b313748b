import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { resolveSecret } from '../../secret/secret.js';
import { ConfigError } from '../../errors.js';
import { oauthScopes, type OktaSourceConfig } from './config.js';

/** Resolved credentials, held only in memory and only handed to the SDK client; never logged. */
export type OktaCredentials =
  | { mode: 'SSWS'; token: string }
  | { mode: 'PrivateKey'; clientId: string; keyId?: string; privateKey: string; scopes: string[] };

export async function resolveCredentials(config: OktaSourceConfig, env?: NodeJS.ProcessEnv): Promise<OktaCredentials> {
  if ('apiToken' in config.auth) {
    const token = await resolveSecret(config.auth.apiToken, env);
    if (/\s/.test(token))
      throw new ConfigError('auth.apiToken: the token contains whitespace; it must be the bare SSWS token value');
    return { mode: 'SSWS', token };
  }
  const { clientId, keyId, privateKey } = config.auth.privateKeyJwt;
  const key = await resolveSecret(privateKey, env);
  checkPrivateKey(key);
  return {
    mode: 'PrivateKey',
    clientId,
    ...(keyId === undefined ? {} : { keyId }),
    privateKey: key,
    scopes: oauthScopes(config),
  };
}

/**
 * Checking the key here turns a bad secret into a clear startup error instead of a failure at the first
 * token request. RSA only: okta-sdk-nodejs 8.1.0 signs a DPoP proof with RS256 before every token request,
 * whatever the key type (src/dpop.js), so an EC key fails with "unsupported algorithm" although its
 * client assertion would be valid. Messages never include the key or the parser's output.
 */
function checkPrivateKey(text: string): void {
  const key = parsePrivateKey(text);
  if (key === undefined) {
    throw new ConfigError('auth.privateKeyJwt.privateKey: not an unencrypted PEM private key or a private JWK');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(
      `auth.privateKeyJwt.privateKey: a ${key.asymmetricKeyType ?? 'unknown'} key; the Okta SDK in use signs with RSA keys only`,
    );
  }
}

function parsePrivateKey(text: string): KeyObject | undefined {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) return createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' });
    return createPrivateKey(trimmed);
  } catch {
    return undefined;
  }
}
