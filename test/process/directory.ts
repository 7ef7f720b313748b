import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Person {
  id: string;
  n: number;
}

/** People numbered 0…users-1, with their source ids. */
export function people(users: number): Person[] {
  return Array.from({ length: users }, (_, n) => ({ id: `p${n}`, n }));
}

/**
 * A file-source export: each person with attributes derived from `n` only (so a person re-created
 * under another id looks the same), every one in `staff`, the first two also in `admins`.
 */
export async function writeDirectory(dir: string, who: number | Person[]): Promise<string> {
  const list = typeof who === 'number' ? people(who) : who;
  const users = list.map(({ id, n }) => ({
    id,
    userName: `person${n}@example.com`,
    displayName: `Person ${n}`,
    givenName: 'Person',
    familyName: `Number${n}`,
    emails: [{ value: `person${n}@example.com`, type: 'work', primary: true }],
  }));
  const path = join(dir, 'directory.json');
  await writeFile(
    path,
    JSON.stringify({
      users,
      groups: [
        { id: 'staff', displayName: 'Staff', members: users.map((p) => p.id) },
        { id: 'admins', displayName: 'Admins', members: users.slice(0, 2).map((p) => p.id) },
      ],
    }),
  );
  return path;
}
