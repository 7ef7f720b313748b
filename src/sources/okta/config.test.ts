import { describe, expect, it } from 'vitest';
import { oauthScopes, oktaSourceConfigSchema, type OktaSourceConfigInput } from './config.js';

const minimal: OktaSourceConfigInput = {
  type: 'okta',
  id: 'corp-okta',
  orgUrl: 'https://acme.okta.com/',
  auth: { privateKeyJwt: { clientId: '0oaReader', privateKey: { file: '/run/secrets/okta-key.pem' } } },
  scope: { type: 'appAssignments', appId: '0oaAwsApp' },
};

function issues(input: Record<string, unknown>): string[] {
  const result = oktaSourceConfigSchema.safeParse({ ...minimal, ...input });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('oktaSourceConfigSchema', () => {
  it('fills in the documented defaults', () => {
    expect(oktaSourceConfigSchema.parse(minimal)).toEqual({
      ...minimal,
      orgUrl: 'https://acme.okta.com',
      allowCustomDomain: false,
      statuses: { staged: 'exclude', provisioned: 'exclude' },
      attributes: { userName: 'login', email: 'email' },
      pageSize: 200,
      maxConcurrency: 4,
      requestTimeoutMs: 30_000,
      rateLimit: { maxRetries: 4, maxWaitSeconds: 90 },
      incremental: { enabled: true, fullReadIntervalHours: 24 },
    });
  });

  it('accepts Okta-hosted org URLs only, unless allowCustomDomain is set', () => {
    for (const orgUrl of [
      'https://acme.okta.com',
      'https://acme.oktapreview.com',
      'https://acme.okta-emea.com',
      'https://acme.okta-gov.com',
    ]) {
      expect(issues({ orgUrl })).toEqual([]);
    }
    expect(issues({ orgUrl: 'https://acme-admin.okta.com' })).toEqual([
      'orgUrl: use the org URL, not the -admin console URL',
    ]);
    expect(issues({ orgUrl: 'https://login.acme.example' })).toEqual([
      expect.stringMatching(/^orgUrl: not an Okta-hosted org domain/),
    ]);
    expect(issues({ orgUrl: 'https://okta.com.attacker.example' })).toHaveLength(1);
    expect(issues({ orgUrl: 'https://acme.okta.com:8443' })).toHaveLength(1);
    expect(issues({ orgUrl: 'https://login.acme.example', allowCustomDomain: true })).toEqual([]);
    expect(issues({ orgUrl: 'https://127.0.0.1:8443', allowCustomDomain: true })).toEqual([]);
  });

  it('rejects plain http, paths, queries and credentials in the org URL even for custom domains', () => {
    for (const orgUrl of [
      'http://acme.okta.com',
      'https://acme.okta.com/api/v1',
      'https://acme.okta.com?x=1',
      'https://u:p@acme.okta.com',
      'acme.okta.com',
    ]) {
      expect(issues({ orgUrl, allowCustomDomain: true })).toHaveLength(1);
    }
  });

  it('takes either private_key_jwt or an SSWS token, secrets only by reference', () => {
    expect(issues({ auth: { apiToken: { env: 'OKTA_API_TOKEN' } } })).toEqual([]);
    expect(issues({ auth: { apiToken: '00abc-inline-token' } })).toHaveLength(1);
    expect(
      issues({ auth: { privateKeyJwt: { clientId: 'x', privateKey: 'inline key material, not a secret reference' } } }),
    ).toHaveLength(1);
    expect(
      issues({ auth: { apiToken: { env: 'A' }, privateKeyJwt: { clientId: 'x', privateKey: { env: 'B' } } } }),
    ).toHaveLength(1);
  });

  it('requests the least scopes per scope type, and insists on okta.apps.read for app assignments', () => {
    expect(oauthScopes(oktaSourceConfigSchema.parse(minimal))).toEqual([
      'okta.users.read',
      'okta.groups.read',
      'okta.apps.read',
    ]);
    const groups = oktaSourceConfigSchema.parse({ ...minimal, scope: { type: 'groups', ids: ['00g1'] } });
    expect(oauthScopes(groups)).toEqual(['okta.users.read', 'okta.groups.read']);
    const narrow = {
      privateKeyJwt: { clientId: 'x', privateKey: { env: 'K' }, scopes: ['okta.users.read', 'okta.groups.read'] },
    };
    expect(issues({ auth: narrow })).toEqual([
      expect.stringMatching(/^auth\.privateKeyJwt\.scopes: .* needs okta\.apps\.read$/),
    ]);
    expect(issues({ auth: narrow, scope: { type: 'groups', search: 'type eq "OKTA_GROUP"' } })).toEqual([]);
  });

  it('needs group ids or a search for the groups scope, and Okta-shaped ids', () => {
    expect(issues({ scope: { type: 'groups' } })).toEqual(['scope: give group ids, a search expression, or both']);
    expect(issues({ scope: { type: 'groups', ids: ['00g1/../users'] } })).toHaveLength(1);
    expect(issues({ scope: { type: 'appAssignments', appId: '0oa?x=1' } })).toHaveLength(1);
    expect(issues({ scope: { type: 'everyone' } })).toHaveLength(1);
  });

  it('bounds concurrency well under the org limit of 75 and rejects unknown keys', () => {
    expect(issues({ maxConcurrency: 50 })).toHaveLength(1);
    expect(issues({ pageSize: 500 })).toHaveLength(1);
    expect(issues({ statuses: { suspended: 'active' } })).toHaveLength(1);
    expect(issues({ token: 'x' })).toHaveLength(1);
  });
});
