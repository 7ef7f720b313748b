import type { SourceConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { SourceConnector, SourceStateStore } from '../sources/types.js';

export interface SourceDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** This source's durable state (delta links, watermarks). */
  state: SourceStateStore;
}

/**
 * Source kind → factory, loaded on first use: a source's SDK (Graph, Okta, ldapts) is imported
 * only when a configured source needs it, and only by commands that read sources.
 */
const FACTORIES: {
  [K in SourceConfig['type']]: (
    config: Extract<SourceConfig, { type: K }>,
    deps: SourceDeps,
  ) => Promise<SourceConnector>;
} = {
  entra: async (config, deps) => (await import('../sources/entra/index.js')).createEntraSource(config, deps),
  file: async (config, deps) => (await import('../sources/file/index.js')).createFileSource(config, deps),
  ldap: async (config, deps) => (await import('../sources/ldap/index.js')).createLdapSource(config, deps),
  okta: async (config, deps) => (await import('../sources/okta/index.js')).createOktaSource(config, deps),
};

export function createSource(config: SourceConfig, deps: SourceDeps): Promise<SourceConnector> {
  const factory = FACTORIES[config.type] as (c: SourceConfig, d: SourceDeps) => Promise<SourceConnector>;
  return factory(config, deps);
}
