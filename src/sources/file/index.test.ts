import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import { fileSourceConfigSchema } from './config.js';
import { createFileSource } from './index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icsync-file-source-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sourceFor(name: string, content: string | undefined) {
  const path = join(dir, name);
  if (content !== undefined) await writeFile(path, content);
  return createFileSource(fileSourceConfigSchema.parse({ type: 'file', id: 'demo', path }), { logger: silentLogger() });
}

async function readError(
  source: Awaited<ReturnType<typeof sourceFor>>,
  signal = new AbortController().signal,
): Promise<SourceReadError> {
  const err: unknown = await source.readSnapshot(signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceReadError);
  return err as SourceReadError;
}

describe('fileSourceConfigSchema', () => {
  it('accepts a source id and a .json/.yaml/.yml path', () => {
    for (const path of ['a.json', 'b.yaml', '/x/c.YML']) {
      expect(fileSourceConfigSchema.safeParse({ type: 'file', id: 'demo', path }).success).toBe(true);
    }
  });

  it('rejects bad ids, other extensions and unknown keys', () => {
    expect(fileSourceConfigSchema.safeParse({ type: 'file', id: 'Demo!', path: 'a.json' }).success).toBe(false);
    expect(fileSourceConfigSchema.safeParse({ type: 'file', id: 'demo', path: 'a.txt' }).success).toBe(false);
    expect(fileSourceConfigSchema.safeParse({ type: 'file', id: 'demo', path: 'a.json', extra: 1 }).success).toBe(
      false,
    );
  });
});

describe('createFileSource', () => {
  it('reads a YAML file into a snapshot', async () => {
    const source = await sourceFor(
      'ok.yaml',
      'users:\n  - id: u1\n    userName: alice\ngroups:\n  - id: g1\n    displayName: Eng\n    members: [u1]\n',
    );
    expect(source).toMatchObject({ id: 'demo', kind: 'file' });
    const snapshot = await source.readSnapshot(new AbortController().signal);
    expect(snapshot.users.map((u) => u.externalId)).toEqual(['demo/u1']);
    expect(snapshot.groups[0]?.memberUsers).toEqual(['demo/u1']);
  });

  it('fails with SourceReadError when the file is missing', async () => {
    const err = await readError(await sourceFor('missing.json', undefined));
    expect(err.code).toBe('SOURCE_READ_FAILED');
    expect(err.message).toContain('(ENOENT)');
  });

  it('fails as a whole when one record is invalid, naming its path', async () => {
    const source = await sourceFor(
      'bad.json',
      JSON.stringify({ users: [{ id: 'u1', userName: 'a' }, { id: 'u2' }], groups: [] }),
    );
    const err = await readError(source);
    expect(err.message).toContain('users[1].userName');
  });

  it('fails when the read is aborted', async () => {
    const source = await sourceFor('aborted.json', JSON.stringify({ users: [], groups: [] }));
    const controller = new AbortController();
    controller.abort();
    const err = await readError(source, controller.signal);
    expect(err.message).toContain('ABORT_ERR');
  });
});
