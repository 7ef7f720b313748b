import { startEmulator } from '../src/emulator/index.js';
import { clientFor, filterQuery } from '../src/emulator/test-support.js';

/**
 * The emulator's filter lookups at directory scale: 50 `externalId eq` lookups among 50,000 users and
 * one `members eq` probe of a 20,000-member group, over loopback. The emulator sits in every
 * integration test and in `npm run demo`, so a lookup that scans instead of using its index shows
 * up here first. Prints one JSON line.
 */
const name = { givenName: 'S', familyName: 'S' };
const emulator = await startEmulator();
try {
  const ids = Array.from(
    { length: 50_000 },
    (_, i) => emulator.seedUser({ userName: `s${i}`, externalId: `s:${i}`, displayName: 'S', name }).id ?? '',
  );
  const group = emulator.seedGroup({ displayName: 'Huge' }, ids.slice(0, 20_000));
  const call = clientFor(emulator);
  const started = performance.now();
  for (let i = 0; i < 50; i += 1) {
    await call('GET', `/Users?cursor&count=100&${filterQuery(`externalId eq "s:${i * 997}"`)}`);
  }
  await call('GET', `/Groups?${filterQuery(`id eq "${group.id}" and members eq "${ids[19_999]}"`)}`);
  console.log(
    JSON.stringify({
      users: 50_000,
      groupMembers: 20_000,
      lookups: 51,
      lookupsMs: Math.round(performance.now() - started),
    }),
  );
} finally {
  await emulator.close();
}
