/**
 * IAM Identity Center SCIM access tokens expire and must be rotated
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/rotate-token.html); a sync with an
 * expired token stops with 401. The SCIM endpoint does not tell a client when its token expires, so
 * the operator copies the date into `target.tokenExpiresAt` and every run warns from
 * `tokenExpiryWarningDays` (at least 30) before it, early enough to rotate without an outage.
 */
export interface TokenExpiryNotice {
  level: 'warn' | 'error';
  expiresAt: string;
  daysLeft: number;
  message: string;
}

const DAY_MS = 86_400_000;

export function tokenExpiryNotice(
  expiresAt: string | undefined,
  warningDays: number,
  now: number,
): TokenExpiryNotice | undefined {
  if (expiresAt === undefined) return undefined;
  const at = Date.parse(expiresAt);
  const daysLeft = Math.floor((at - now) / DAY_MS);
  if (at - now > warningDays * DAY_MS) return undefined;
  if (at <= now) {
    return {
      level: 'error',
      expiresAt,
      daysLeft,
      message: `the SCIM token expired on ${expiresAt}: generate a new one in IAM Identity Center (Settings → Automatic provisioning) and update the secret`,
    };
  }
  return {
    level: 'warn',
    expiresAt,
    daysLeft,
    message: `the SCIM token expires on ${expiresAt}, in ${daysLeft} day(s): rotate it now (IAM Identity Center allows two tokens at a time, so the new one can be deployed before the old one is deleted)`,
  };
}
