import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { resolveSecret } from '../../secret/secret.js';
import type { EntraSourceConfig } from './config.js';

/**
 * The app's credential, resolved from the environment or a mounted file at first use. The secret
 * lives only inside the credential object; it is never logged or put into an error.
 *
 * `authorityHost` must be https (@azure/identity refuses anything else), and `disableInstanceDiscovery`
 * stops MSAL from asking login.microsoftonline.com about an authority it does not know.
 */
export async function createCredential(
  config: EntraSourceConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TokenCredential> {
  const options = { authorityHost: config.authorityHost, disableInstanceDiscovery: config.disableInstanceDiscovery };
  const { credential } = config;
  if ('clientSecret' in credential) {
    return new ClientSecretCredential(
      config.tenantId,
      config.clientId,
      await resolveSecret(credential.clientSecret, env),
      options,
    );
  }
  const certificateOptions = { ...options, sendCertificateChain: credential.sendCertificateChain };
  if ('certificateFile' in credential) {
    return new ClientCertificateCredential(
      config.tenantId,
      config.clientId,
      { certificatePath: credential.certificateFile },
      certificateOptions,
    );
  }
  const certificate = await resolveSecret(credential.certificate, env);
  return new ClientCertificateCredential(config.tenantId, config.clientId, { certificate }, certificateOptions);
}

/** The `.default` scope of the Graph resource the base URL points at; sovereign clouds have their own resource. */
export function graphScope(graphBaseUrl: string): string {
  return `${new URL(graphBaseUrl).origin}/.default`;
}
