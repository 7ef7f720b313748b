import { GraphFake } from '../helpers/graphFake.js';
import type { Pod } from './cli-process.js';

const TENANT_ID = '7d4b1e2a-0c3f-4a5b-9c8d-1e2f3a4b5c6d';
const CLIENT_ID = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';

/** The Graph fake of one app registration, which signs in with `clientSecret`. */
export function startEntraFake(clientSecret: string): Promise<GraphFake> {
  return GraphFake.start({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret });
}

/**
 * The Entra source of a pod's config, as the chart mounts it: the client secret from the Secret
 * volume (`entra-client-secret`), Graph and the authority at the fake's addresses.
 */
export function entraSource(pod: Pod, graph: GraphFake, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'entra',
    id: 'corp-entra',
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    credential: { clientSecret: pod.secret('entra-client-secret') },
    authorityHost: graph.authorityHost,
    disableInstanceDiscovery: true,
    graphBaseUrl: graph.graphBaseUrl,
    ...extra,
  };
}
