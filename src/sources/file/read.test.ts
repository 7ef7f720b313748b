import { describe, expect, it } from 'vitest';
import type { FileSourceConfig } from './config.js';
import { DirectoryFileError, parseDirectoryFile, toSnapshot } from './read.js';

const config: FileSourceConfig = { type: 'file', id: 'demo', path: '/etc/icsync/demo.yaml' };
const READ_AT = '2026-01-01T00:00:00.000Z';

function parseError(text: string, format: 'json' | 'yaml' = 'json'): string {
  try {
    parseDirectoryFile(text, format);
  } catch (err) {
    expect(err).toBeInstanceOf(DirectoryFileError);
    return (err as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseDirectoryFile', () => {
  it('reads YAML and JSON into the same document, with defaults applied', () => {
    const yaml = 'users:\n  - id: u1\n    userName: alice\ngroups:\n  - id: g1\n    displayName: Eng\n';
    const json = JSON.stringify({
      users: [{ id: 'u1', userName: 'alice' }],
      groups: [{ id: 'g1', displayName: 'Eng' }],
    });
    const fromYaml = parseDirectoryFile(yaml, 'yaml');
    expect(parseDirectoryFile(json, 'json')).toEqual(fromYaml);
    expect(fromYaml.users[0]).toEqual({
      id: 'u1',
      userName: 'alice',
      emails: [],
      phoneNumbers: [],
      addresses: [],
      active: true,
    });
    expect(fromYaml.groups[0]?.members).toEqual([]);
  });

  it('names the path of a wrongly typed field, e.g. users[3].id', () => {
    const users = [0, 1, 2].map((i) => ({ id: `u${i}`, userName: `n${i}` }));
    const message = parseError(JSON.stringify({ users: [...users, { id: 42, userName: 'x' }], groups: [] }));
    expect(message).toContain('users[3].id: Invalid input: expected string');
  });

  it('rejects unknown keys (strict), naming where they are', () => {
    const message = parseError(JSON.stringify({ users: [{ id: 'u1', userName: 'a', mial: 'typo' }], groups: [] }));
    expect(message).toMatch(/users\[0\]: Unrecognized key: "mial"/);
  });

  it('rejects ids with whitespace and ids used twice across users and groups', () => {
    const message = parseError(
      JSON.stringify({
        users: [
          { id: 'u 1', userName: 'a' },
          { id: 'dup', userName: 'b' },
        ],
        groups: [{ id: 'dup', displayName: 'G' }],
      }),
    );
    expect(message).toContain('users[0].id: must be non-empty and contain no whitespace');
    expect(message).toContain('groups[0].id: duplicate id "dup"');
  });

  it('requires both collections and a document at all', () => {
    expect(parseError(JSON.stringify({ users: [] }))).toContain('groups: Invalid input');
    expect(parseError('', 'yaml')).toContain('(file): Invalid input');
  });

  it('reports syntax errors as invalid JSON/YAML', () => {
    expect(parseError('{"users": [')).toMatch(/^not valid JSON/);
    expect(parseError('users: [\n', 'yaml')).toMatch(/^not valid YAML/);
  });
});

describe('toSnapshot', () => {
  const file = parseDirectoryFile(
    JSON.stringify({
      users: [
        {
          id: 'u1',
          userName: 'alice@example.com',
          givenName: 'Alice',
          familyName: 'Example',
          emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
          department: 'R&D',
        },
        { id: 'u2', userName: 'bob@example.com', active: false },
      ],
      groups: [
        { id: 'eng', displayName: 'Engineering', members: ['u1', 'platform', 'ghost', 'u1'] },
        { id: 'platform', displayName: 'Platform', members: ['u2', 'eng'] },
      ],
    }),
    'json',
  );
  const snapshot = toSnapshot(file, config, READ_AT);

  it('maps users with externalId, names, enterprise fields and provenance', () => {
    expect(snapshot).toMatchObject({ sourceId: 'demo', sourceKind: 'file', readAt: READ_AT });
    expect(snapshot.users[0]).toMatchObject({
      externalId: 'demo/u1',
      userName: 'alice@example.com',
      name: { givenName: 'Alice', familyName: 'Example' },
      emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
      enterprise: { department: 'R&D' },
      active: true,
      provenance: { sourceKind: 'file', sourceId: 'demo', ref: '/etc/icsync/demo.yaml#users[0]' },
    });
    expect(snapshot.users[1]?.active).toBe(false);
  });

  it('splits members into users and groups, deduplicated, and reports unknown ids', () => {
    expect(snapshot.groups[0]).toMatchObject({
      externalId: 'demo/eng',
      memberUsers: ['demo/u1'],
      memberGroups: ['demo/platform'],
    });
    expect(snapshot.groups[1]).toMatchObject({ memberUsers: ['demo/u2'], memberGroups: ['demo/eng'] });
    expect(snapshot.unresolvedMembers).toEqual([
      { group: 'demo/eng', member: 'ghost', reason: 'no user or group with this id in the file' },
    ]);
  });
});
