/**
 * Where the SDK sends the client-credentials grant: `{orgUrl}/oauth2/v1/token`
 * (src/oauth.js in https://github.com/okta/okta-sdk-nodejs).
 */
export const TOKEN_PATH = '/oauth2/v1/token';

/**
 * One line describing a failed Okta call, for `SourceReadError` messages. Built from the status, Okta's
 * errorCode/errorSummary and the URL path only: never headers, request bodies or query strings, so no
 * token, key or client assertion can reach a log line through it.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof TokenRequestError) {
    const detail = [err.oauthError, err.description].filter((part) => part !== undefined).join(': ');
    return `the Okta token request failed with HTTP ${err.httpStatus}${detail === '' ? '' : ` (${detail})`}${hint(err.httpStatus, TOKEN_PATH)}`;
  }
  if (!(err instanceof Error)) return String(err);
  const http = err as Error & {
    status?: unknown;
    url?: unknown;
    errorCode?: unknown;
    errorSummary?: unknown;
    code?: unknown;
  };
  if (err.name === 'OktaApiError' || err.name === 'HttpError') {
    const status = Number(http.status);
    const path = pathOf(http.url);
    const code = typeof http.errorCode === 'string' && http.errorCode !== '' ? ` ${http.errorCode}` : '';
    const summary = typeof http.errorSummary === 'string' && http.errorSummary !== '' ? `: ${http.errorSummary}` : '';
    const body = err.name === 'HttpError' ? ' with a non-JSON body' : '';
    return `Okta answered HTTP ${status}${code}${body}${summary}${path === '' ? '' : ` on ${path}`}${hint(status, path)}`;
  }
  return typeof http.code === 'string' ? `${err.message} (${http.code})` : err.message;
}

/**
 * A non-2xx answer to the client-credentials grant, with the OAuth error (RFC 6749 §5.2) Okta gave.
 * Its status is `httpStatus`, not `status`: the SDK retries anything with `status` 401 once more.
 */
export class TokenRequestError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly oauthError: string | undefined,
    readonly description: string | undefined,
  ) {
    super(`Okta token request failed with HTTP ${httpStatus}${oauthError === undefined ? '' : ` ${oauthError}`}`);
    this.name = 'TokenRequestError';
  }

  static async from(response: { status: number; text(): Promise<string> }): Promise<TokenRequestError> {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(await response.text()) as Record<string, unknown>;
    } catch {
      // A body that is not JSON carries nothing worth reporting; the status alone is.
    }
    const text = (value: unknown): string | undefined =>
      typeof value === 'string' && value !== '' ? value.slice(0, 300) : undefined;
    return new TokenRequestError(
      response.status,
      text(body.error) ?? text(body.errorCode),
      text(body.error_description) ?? text(body.errorSummary),
    );
  }
}

/** What the operator can check, for the statuses that have one answer. */
function hint(status: number, path: string): string {
  if ((status === 400 || status === 401) && path === TOKEN_PATH) {
    return ' — check clientId, that the app authenticates with the registered public key (keyId) and that every requested scope is granted (docs/okta.md)';
  }
  if (status === 401) return ' — the API token or access token was rejected';
  if (status === 403) return ' — the app lacks a granted scope or an admin role for this call (docs/okta.md)';
  if (status === 429) return ' — rate limited beyond rateLimit.maxRetries / rateLimit.maxWaitSeconds';
  return '';
}

function pathOf(url: unknown): string {
  if (typeof url !== 'string') return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
