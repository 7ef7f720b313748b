import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A small file-source export: `users` people, every one in `staff`, the first two also in `admins`. */
export async function writeDirectory(dir: string, users: number): Promise<string> {
  const people = Array.from({ length: users }, (_, i) => ({
    id: `p${i}`,
    userName: `person${i}@example.com`,
    displayName: `Person ${i}`,
    givenName: 'Person',
    familyName: `Number${i}`,
    emails: [{ value: `person${i}@example.com`, type: 'work', primary: true }],
  }));
  const path = join(dir, 'directory.json');
  await writeFile(
    path,
    JSON.stringify({
      users: people,
      groups: [
        { id: 'staff', displayName: 'Staff', members: people.map((p) => p.id) },
        { id: 'admins', displayName: 'Admins', members: people.slice(0, 2).map((p) => p.id) },
      ],
    }),
  );
  return path;
}
