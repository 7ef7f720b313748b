import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/**
 * The fake Okta's authorization server side: the client-credentials grant with a `private_key_jwt`
 * client assertion (RFC 7523), checked the way Okta checks it, and the tokens it issued. With
 * `requireDpop` it behaves like a service app with "Require DPoP" on: the first token request gets
 * `use_dpop_nonce` and a DPoP-Nonce header, tokens are DPoP-bound, and every API call must carry a
 * proof for that token (RFC 9449). Okta docs: "Implement OAuth for Okta with a service app".
 */

export interface ServiceApp {
  clientId: string;
  /** The public key registered on the app. */
  publicKey: KeyObject;
  /** `kid` of the registered key; when set, the assertion must carry it. */
  keyId?: string;
  /** Scopes granted to the app; a token request for any other fails with invalid_scope. */
  grantedScopes: string[];
  requireDpop?: boolean;
}

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class FakeAuthorizationServer {
  /** Issued access tokens and their type, `Bearer` or `DPoP`. */
  readonly issued = new Map<string, string>();
  tokenRequests = 0;
  private readonly nonce = randomBytes(8).toString('hex');

  constructor(
    private readonly app: ServiceApp | undefined,
    private readonly tokenUrl: () => string,
  ) {}

  /** POST /oauth2/v1/token with an x-www-form-urlencoded body and the request's DPoP header, if any. */
  token(form: URLSearchParams, dpopProof: string | undefined): TokenResult {
    this.tokenRequests += 1;
    if (this.app === undefined) return invalid(401, 'invalid_client', 'no service app is configured');
    if (form.get('grant_type') !== 'client_credentials')
      return invalid(400, 'unsupported_grant_type', 'client_credentials only');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return invalid(401, 'invalid_client', 'client_assertion_type must be jwt-bearer');
    }
    const problem = this.assertionProblem(form.get('client_assertion') ?? '');
    if (problem !== undefined) return invalid(401, 'invalid_client', problem);
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const ungranted = scopes.filter((s) => !this.app!.grantedScopes.includes(s));
    if (scopes.length === 0 || ungranted.length > 0)
      return invalid(400, 'invalid_scope', `not granted: ${ungranted.join(' ')}`);
    if (this.app.requireDpop === true && proofClaims(dpopProof)?.nonce !== this.nonce) {
      return {
        ...invalid(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.'),
        headers: { 'DPoP-Nonce': this.nonce },
      };
    }
    const tokenType = this.app.requireDpop === true ? 'DPoP' : 'Bearer';
    const accessToken = `fake-at-${randomBytes(16).toString('hex')}`;
    this.issued.set(accessToken, tokenType);
    return {
      status: 200,
      body: { token_type: tokenType, expires_in: 3600, access_token: accessToken, scope: scopes.join(' ') },
    };
  }

  /** Does `Authorization: <scheme> <token>` (plus a DPoP proof for DPoP tokens) carry a token this server issued? */
  accepts(scheme: string, token: string, dpopProof: string | undefined): boolean {
    const type = this.issued.get(token);
    if (type === undefined || type !== scheme) return false;
    if (type === 'Bearer') return true;
    const claims = proofClaims(dpopProof);
    return claims?.ath === createHash('sha256').update(token).digest('base64url');
  }

  private assertionProblem(jwt: string): string | undefined {
    const app = this.app!;
    const [header, payload, signature] = jwt.split('.');
    if (header === undefined || payload === undefined || signature === undefined)
      return 'client_assertion is not a JWT';
    const head = decode(header);
    const claims = decode(payload);
    if (head.alg !== 'RS256') return `unexpected alg ${String(head.alg)}`;
    if (app.keyId !== undefined && head.kid !== app.keyId) return 'kid does not name the registered key';
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      app.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return 'client_assertion signature does not verify with the registered public key';
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) return 'iss and sub must be the client id';
    if (claims.aud !== this.tokenUrl()) return `aud must be ${this.tokenUrl()}`;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return 'client_assertion expired';
    return undefined;
  }
}

/** An RSA key pair as a test generates it: the PEM the daemon is given and the public key the fake registers. */
export function generateServiceAppKey(format: 'pkcs1' | 'pkcs8' = 'pkcs1'): {
  privateKeyPem: string;
  publicKey: KeyObject;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: format, format: 'pem' }).toString(),
    publicKey: createPublicKey(privateKey),
  };
}

function decode(part: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function invalid(status: number, error: string, description: string): TokenResult {
  return { status, body: { error, error_description: description } };
}

/** The claims of a DPoP proof whose signature verifies with the public key in its own header. */
function proofClaims(proof: string | undefined): Record<string, unknown> | undefined {
  const [header, payload, signature] = (proof ?? '').split('.');
  if (header === undefined || payload === undefined || signature === undefined) return undefined;
  const head = decode(header);
  if (head.typ !== 'dpop+jwt' || typeof head.jwk !== 'object' || head.jwk === null) return undefined;
  const key = createPublicKey({ key: head.jwk as JsonWebKey, format: 'jwk' });
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
  return signed ? decode(payload) : undefined;
}
