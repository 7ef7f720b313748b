import { describe, expect, it } from 'vitest';
import { entraSourceConfigSchema, type EntraSourceConfigInput } from './config.js';

const SP = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const minimal: EntraSourceConfigInput = {
  type: 'entra',
  id: 'corp-entra',
  tenantId: '7d4b1e2a-0c3f-4a5b-9c8d-1e2f3a4b5c6d',
  clientId: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
  credential: { clientSecret: { env: 'ENTRA_CLIENT_SECRET' } },
};

function issues(input: Record<string, unknown>): string[] {
  const result = entraSourceConfigSchema.safeParse({ ...minimal, ...input });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('entraSourceConfigSchema', () => {
  it('fills in the documented defaults', () => {
    expect(entraSourceConfigSchema.parse(minimal)).toEqual({
      ...minimal,
      authorityHost: 'https://login.microsoftonline.com',
      disableInstanceDiscovery: false,
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
      scope: { users: 'all', groups: 'none' },
      guests: 'skip',
      userName: 'userPrincipalName',
      email: 'mail',
      incremental: false,
      pageSize: 999,
      concurrency: 4,
      requestTimeoutMs: 60_000,
      retry: { maxRetries: 3, delaySeconds: 3 },
    });
  });

  it('accepts the three credential forms and nothing else', () => {
    expect(issues({ credential: { certificateFile: '/run/secrets/entra.pem' } })).toEqual([]);
    expect(
      issues({ credential: { certificate: { file: '/run/secrets/entra.pem' }, sendCertificateChain: true } }),
    ).toEqual([]);
    expect(issues({ credential: { clientSecret: 'inline-secret' } })).not.toEqual([]);
    expect(issues({ credential: {} })).not.toEqual([]);
  });

  it('accepts sovereign endpoints and refuses plain http or a missing version', () => {
    expect(
      issues({ graphBaseUrl: 'https://graph.microsoft.us/v1.0', authorityHost: 'https://login.microsoftonline.us' }),
    ).toEqual([]);
    expect(issues({ graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn/v1.0/' })).toEqual([]);
    expect(issues({ graphBaseUrl: 'http://graph.microsoft.com/v1.0' })).not.toEqual([]);
    expect(issues({ graphBaseUrl: 'https://graph.microsoft.com' })).not.toEqual([]);
    expect(issues({ authorityHost: 'http://login.microsoftonline.com' })).not.toEqual([]);
  });

  it('needs servicePrincipalId for appAssignments scopes', () => {
    expect(issues({ scope: { users: 'appAssignments' } })).toEqual([
      'servicePrincipalId: appAssignments scope needs the object id of the enterprise application',
    ]);
    expect(issues({ scope: { users: 'appAssignments', groups: 'appAssignments' }, servicePrincipalId: SP })).toEqual(
      [],
    );
  });

  it('allows incremental reads only over all users and delta-trackable groups', () => {
    expect(issues({ incremental: true, scope: { groups: { displayNamePrefix: 'AWS-' } } })).toEqual([]);
    expect(issues({ incremental: true, scope: { users: { memberOf: ['AWS users'] } } })).toEqual([
      'incremental: incremental reads need scope.users: all (group and assignment scopes are read in full)',
    ]);
    expect(issues({ incremental: true, scope: { groups: 'appAssignments' }, servicePrincipalId: SP })).toEqual([
      'incremental: incremental reads cannot follow app assignments (Graph has no delta query for them)',
    ]);
  });

  it('keeps the page size within what Graph accepts (1 to 999)', () => {
    expect(issues({ pageSize: 1000 })).not.toEqual([]);
    expect(issues({ pageSize: 0 })).not.toEqual([]);
  });
});
