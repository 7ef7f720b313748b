import { constants, verify } from 'node:crypto';
import type { FakeResponse } from './graphFake.js';

/**
 * The two calls @azure/identity (MSAL) makes against an authority when instance discovery is off
 * (`disableInstanceDiscovery`): the tenant's OpenID metadata, then the token endpoint it names. A client
 * secret must match; a certificate assertion must be a JWT signed by the configured certificate.
 */

export interface AuthorityOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM of the certificate whose key signs client assertions. */
  certificatePem?: string;
  /** Mints an access token the Graph routes will accept. */
  issue: () => string;
}

export function handleAuthority(
  method: string,
  url: URL,
  body: string,
  base: string,
  options: AuthorityOptions,
): FakeResponse {
  const tenant = options.tenantId;
  if (method === 'GET' && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
    return { status: 200, body: metadata(base, tenant) };
  }
  if (method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`)
    return token(new URLSearchParams(body), options);
  return {
    status: 404,
    body: { error: 'not_found', error_description: `the fake authority does not serve ${url.pathname}` },
  };
}

function metadata(base: string, tenant: string): Record<string, unknown> {
  return {
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    issuer: `${base}/${tenant}/v2.0`,
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
  };
}

function token(form: URLSearchParams, options: AuthorityOptions): FakeResponse {
  if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== options.clientId) {
    return invalidClient('AADSTS700016: Application not found in the directory.');
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const secretOk = secret !== null && options.clientSecret !== undefined && secret === options.clientSecret;
  const assertionOk =
    assertion !== null && options.certificatePem !== undefined && verifiesWith(assertion, options.certificatePem);
  if (!secretOk && !assertionOk) return invalidClient('AADSTS7000215: Invalid client secret provided.');
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: options.issue() },
  };
}

function invalidClient(description: string): FakeResponse {
  return { status: 401, body: { error: 'invalid_client', error_description: description, error_codes: [7000215] } };
}

/** Checks an RS256 or PS256 client assertion against the certificate's public key. */
function verifiesWith(jwt: string, certificatePem: string): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return false;
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
  const padding =
    alg === 'PS256'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : { padding: constants.RSA_PKCS1_PADDING };
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: certificatePem, ...padding },
    Buffer.from(signature, 'base64url'),
  );
}
