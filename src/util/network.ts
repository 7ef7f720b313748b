/**
 * Network failures an operator can fix (a wrong host name, a closed port, an untrusted certificate),
 * recognised by the errno / OpenSSL code anywhere in an error's cause chain (undici wraps socket
 * errors as `UND_ERR_SOCKET` with the errno error as `cause`; happy-eyeballs connects report an
 * AggregateError), and said in one line with what to check.
 */
export interface NetworkProblem {
  code: string;
  /** What failed, e.g. "DNS lookup failed". */
  what: string;
  /** What the operator should check. */
  check: string;
  /** The host (and port) the error names, when it names one. */
  host?: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** OpenSSL verification results as Node reports them (https://nodejs.org/api/tls.html#x509-certificate-error-codes). */
const TLS =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

function classify(code: string): Omit<NetworkProblem, 'code' | 'host'> | undefined {
  if (DNS.has(code)) return { what: 'DNS lookup failed', check: 'the host name and the DNS resolver' };
  if (REFUSED.has(code)) return { what: 'connection refused', check: 'the host and port, and that the service is up' };
  if (TIMEOUT.has(code))
    return { what: 'connection timed out', check: 'egress from here (firewall, proxy, NetworkPolicy)' };
  if (UNREACHABLE.has(code))
    return { what: 'network unreachable', check: 'routing and egress from here (firewall, NetworkPolicy)' };
  if (TLS.test(code))
    return {
      what: 'TLS handshake failed',
      check:
        'the CA bundle (NODE_EXTRA_CA_CERTS, or the source caFile), the certificate host name, and any TLS-inspecting proxy',
    };
  if (RESET.has(code))
    return { what: 'connection closed', check: 'a proxy or load balancer between here and the host' };
  return undefined;
}

/** The first recognised code in the cause chain, with the host the innermost error names. */
export function networkProblem(err: unknown): NetworkProblem | undefined {
  const chain: Record<string, unknown>[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 5) return;
    const rec = e as Record<string, unknown>;
    chain.push(rec);
    walk(rec.cause, depth + 1);
    if (Array.isArray(rec.errors)) walk(rec.errors[0], depth + 1);
  };
  walk(err, 0);
  // The innermost error is the most specific (UND_ERR_SOCKET wraps ECONNRESET).
  for (const rec of [...chain].reverse()) {
    const code = typeof rec.code === 'string' ? rec.code : undefined;
    const known = code === undefined ? undefined : classify(code);
    if (code === undefined || known === undefined) continue;
    const host = hostOf(chain);
    return { code, ...known, ...(host ? { host } : {}) };
  }
  return undefined;
}

function hostOf(chain: readonly Record<string, unknown>[]): string | undefined {
  for (const rec of [...chain].reverse()) {
    if (typeof rec.hostname === 'string') return rec.hostname;
    if (typeof rec.address === 'string')
      return typeof rec.port === 'number' ? `${rec.address}:${rec.port}` : rec.address;
    if (typeof rec.host === 'string') return rec.host;
  }
  return undefined;
}
