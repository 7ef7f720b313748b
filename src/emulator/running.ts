import type { Server } from 'node:http';
import type { ScimGroupResource, ScimUserResource } from '../scim/wire.js';
import { checkLag, checkLatency, checkMaxPageSize, checkRateLimit } from './options.js';
import { TokenBucket } from './rate-limit.js';
import { renderGroup, renderUser } from './render.js';
import type { EmulatorState } from './server.js';
import type { EmulatorOptions, FaultRule, MutableOptionKey, RequestLogEntry, RunningEmulator } from './types.js';

/** The in-process handle tests, the demo and the benchmark hold on a started emulator. */
export class Emulator implements RunningEmulator {
  readonly baseUrl: string;
  readonly token: string;

  constructor(
    private readonly state: EmulatorState,
    private readonly server: Server,
    readonly port: number,
  ) {
    const { host, tenantId, tokens } = state.options;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    this.baseUrl = `http://${urlHost}:${port}/${tenantId}/scim/v2`;
    this.token = tokens[0] ?? '';
  }

  get requestLog(): RequestLogEntry[] {
    return this.state.recorder.entries;
  }

  counters(): Record<string, number> {
    return this.state.recorder.counters();
  }

  writes(): RequestLogEntry[] {
    return this.state.recorder.writes();
  }

  users(): ScimUserResource[] {
    const all = this.state.store.allUsers();
    return all.slice(0, all.size).map(renderUser);
  }

  groups(): ScimGroupResource[] {
    const all = this.state.store.allGroups();
    return all.slice(0, all.size).map(renderGroup);
  }

  membersOf(groupId: string): string[] {
    return this.state.store.memberIds(groupId);
  }

  /**
   * Bypasses validation, for hand-made users such as `Administrator` with no externalId; uniqueness
   * still holds. Users created outside SCIM (Control Tower, the console) come back with `"emails": []`
   * (idp-scim-sync pkg/aws/testdata, https://github.com/slashdevops/idp-scim-sync), so that is the
   * default. Seeded objects never lag.
   */
  seedUser(user: Omit<ScimUserResource, 'id' | 'meta'>): ScimUserResource {
    const { schemas: _schemas, ...data } = structuredClone(user);
    data.emails ??= [];
    const conflict = this.state.store.userConflict(data);
    if (conflict) throw new Error(`emulator: seedUser: ${conflict} is already taken`);
    return renderUser(this.state.store.insertUser(data, 0));
  }

  seedGroup(group: Omit<ScimGroupResource, 'id' | 'meta' | 'members'>, memberIds: string[] = []): ScimGroupResource {
    const { store } = this.state;
    if (store.groupConflict(group.displayName)) throw new Error('emulator: seedGroup: displayName is already taken');
    const unknown = memberIds.find((userId) => !store.getUser(userId));
    if (unknown !== undefined) throw new Error(`emulator: seedGroup: no user ${unknown}`);
    const stored = store.insertGroup(
      { displayName: group.displayName, ...(group.externalId === undefined ? {} : { externalId: group.externalId }) },
      0,
    );
    for (const userId of memberIds) store.addMember(stored.id, userId);
    return renderGroup(stored);
  }

  injectFault(rule: FaultRule): void {
    this.state.faults.inject(rule);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  setOptions(patch: Partial<Pick<EmulatorOptions, MutableOptionKey>>): void {
    if (patch.maxPageSize !== undefined) checkMaxPageSize(patch.maxPageSize);
    if (patch.rateLimit !== undefined) checkRateLimit(patch.rateLimit);
    if (patch.consistencyLagMs !== undefined) checkLag(patch.consistencyLagMs);
    if (patch.latencyMs !== undefined) checkLatency(patch.latencyMs);
    this.state.options = { ...this.state.options, ...patch };
    if (patch.rateLimit !== undefined) {
      this.state.bucket = patch.rateLimit === null ? null : new TokenBucket(patch.rateLimit);
    }
  }

  resetLog(): void {
    this.state.recorder.reset();
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}
