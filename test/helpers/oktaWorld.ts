import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { MemorySourceStateStore } from '../../src/state/file-source-state.js';
import { createOktaSource, type OktaSourceDeps } from '../../src/sources/okta/index.js';
import {
  oktaSourceConfigSchema,
  type OktaSourceConfig,
  type OktaSourceConfigInput,
} from '../../src/sources/okta/config.js';
import type { FakeOktaGroup, FakeOktaUser, OktaFake } from './oktaFake.js';

/** Builders for the fake Okta's directory and for sources pointed at it. */

/** When the seeded objects last changed: well before any test runs, so only later edits are "recent". */
export const SEEDED_AT = '2026-01-01T00:00:00.000Z';
export const API_TOKEN = 'ssws-canary-0123456789abcdef';
export const TOKEN_ENV = 'OKTA_TEST_API_TOKEN';
export const KEY_ENV = 'OKTA_TEST_PRIVATE_KEY';

export function oktaUser(id: string, over: Partial<Omit<FakeOktaUser, 'id'>> = {}): FakeOktaUser {
  return {
    id,
    status: 'ACTIVE',
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    ...over,
    profile: {
      login: `${id}@example.com`,
      email: `${id}@example.com`,
      firstName: 'User',
      lastName: id,
      ...over.profile,
    },
  };
}

export function oktaGroup(
  id: string,
  name: string,
  members: string[],
  over: Partial<FakeOktaGroup> = {},
): FakeOktaGroup {
  return {
    id,
    type: 'OKTA_GROUP',
    created: SEEDED_AT,
    lastUpdated: SEEDED_AT,
    lastMembershipUpdated: SEEDED_AT,
    profile: { name },
    members,
    ...over,
  };
}

export interface Seed {
  users: FakeOktaUser[];
  groups?: FakeOktaGroup[];
  /** Ids of users assigned to the app directly. */
  appUsers?: string[];
  /** Ids of groups assigned to the app. */
  appGroups?: string[];
}

export function seed(fake: OktaFake, world: Seed): void {
  for (const user of world.users) fake.users.set(user.id, user);
  for (const group of world.groups ?? []) fake.groups.set(group.id, group);
  for (const id of world.appUsers ?? []) fake.app.users.add(id);
  for (const id of world.appGroups ?? []) fake.app.groups.add(id);
}

/** An edit made "now", as Okta stamps it: the user's lastUpdated moves. */
export function editUser(
  fake: OktaFake,
  id: string,
  change: { status?: string; profile?: Record<string, unknown> },
): void {
  const user = fake.users.get(id)!;
  fake.users.set(id, {
    ...user,
    status: change.status ?? user.status,
    profile: { ...user.profile, ...change.profile },
    lastUpdated: new Date().toISOString(),
  });
}

/** A membership edit "now": the group's lastMembershipUpdated moves. */
export function editMembers(fake: OktaFake, groupId: string, members: string[]): void {
  const group = fake.groups.get(groupId)!;
  fake.groups.set(groupId, { ...group, members, lastMembershipUpdated: new Date().toISOString() });
}

export function oktaConfig(fake: OktaFake, over: Partial<OktaSourceConfigInput> = {}): OktaSourceConfig {
  return oktaSourceConfigSchema.parse({
    type: 'okta',
    id: 'corp-okta',
    orgUrl: fake.baseUrl,
    allowCustomDomain: true,
    auth: { apiToken: { env: TOKEN_ENV } },
    scope: { type: 'appAssignments', appId: fake.app.id },
    ...over,
  });
}

export interface CapturedLog {
  logger: Logger;
  text(): string;
  lines(): Record<string, unknown>[];
}

/** A logger at the most verbose level with no redaction, so a test sees exactly what the source logs. */
export function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    logger: pino({ level: 'trace' }, stream),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export function startOktaSource(
  config: OktaSourceConfig,
  deps: Partial<OktaSourceDeps> & { secrets?: Record<string, string> } = {},
) {
  const { secrets, ...rest } = deps;
  return createOktaSource(config, {
    logger: captureLog().logger,
    state: new MemorySourceStateStore(),
    env: { [TOKEN_ENV]: API_TOKEN, ...secrets },
    ...rest,
  });
}
