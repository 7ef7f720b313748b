import type { SourceConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { createEntraSource } from './entra/index.js';
import { createFileSource } from './file/index.js';
import { createLdapSource } from './ldap/index.js';
import { createOktaSource } from './okta/index.js';
import type { SourceConnector, SourceStateStore } from './types.js';

export interface SourceDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** This source's durable state (delta links, watermarks). */
  state: SourceStateStore;
}

/** Source kind → factory. The composition root is the only place that knows every kind. */
const FACTORIES: {
  [K in SourceConfig['type']]: (config: Extract<SourceConfig, { type: K }>, deps: SourceDeps) => SourceConnector;
} = {
  entra: (config, deps) => createEntraSource(config, deps),
  file: (config, deps) => createFileSource(config, deps),
  ldap: (config, deps) => createLdapSource(config, deps),
  okta: (config, deps) => createOktaSource(config, deps),
};

export function createSource(config: SourceConfig, deps: SourceDeps): SourceConnector {
  const factory = FACTORIES[config.type] as (c: SourceConfig, d: SourceDeps) => SourceConnector;
  return factory(config, deps);
}
