import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './faults.js';
import { resolveOptions } from './options.js';
import { TokenBucket } from './rate-limit.js';
import { RequestRecorder } from './request-log.js';
import { Emulator } from './running.js';
import { createRequestHandler, type EmulatorState } from './server.js';
import { DirectoryStore } from './store.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

/**
 * An in-process emulator of the AWS IAM Identity Center SCIM endpoint, faithful to the SCIM Implementation
 * Developer Guide (https://docs.aws.amazon.com/singlesignon/latest/developerguide/) and to replies captured
 * from the live endpoint by other projects. It writes nothing to stdout or stderr.
 */
export type {
  EmulatorOptions,
  FaultRule,
  MutableOptionKey,
  RateLimitOptions,
  RequestLogEntry,
  RetryAfterForm,
  RunningEmulator,
} from './types.js';
export { AWS_REPORTED_RATE_LIMIT, DEFAULT_OPTIONS, DEFAULT_TENANT_ID } from './options.js';

export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const state: EmulatorState = {
    options: resolved,
    store: new DirectoryStore(resolved.caseInsensitiveUserName, resolved.resourceIds),
    recorder: new RequestRecorder(),
    faults: new FaultPlan(),
    bucket: resolved.rateLimit === null ? null : new TokenBucket(resolved.rateLimit),
  };
  const server = createServer(createRequestHandler(state));
  const port = await listen(server, resolved.host, resolved.port);
  return new Emulator(state, server, port);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
