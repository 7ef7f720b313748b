import { describe, expect, it } from 'vitest';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { readMemberships, type TargetReader } from './read-target.js';

const groups = Array.from({ length: 12 }, (_, i) => ({ id: `g${i}`, displayName: `G${i}` }) as TargetGroup);

/** A reader whose member reads wait until `release` is called, counting how many are in flight. */
function heldReader(): TargetReader & { inFlight: number; peak: number; release(): void } {
  let waiters: (() => void)[] = [];
  const reader = {
    inFlight: 0,
    peak: 0,
    release() {
      const now = waiters;
      waiters = [];
      for (const w of now) w();
    },
    listUsers: () => (async function* () {})(),
    listGroups: () => (async function* () {})(),
    async *listGroupMembers(groupId: string): AsyncIterable<TargetUser> {
      reader.inFlight += 1;
      reader.peak = Math.max(reader.peak, reader.inFlight);
      await new Promise<void>((resolve) => waiters.push(resolve));
      reader.inFlight -= 1;
      yield { id: `member-of-${groupId}` } as TargetUser;
    },
  };
  return reader;
}

describe('readMemberships', () => {
  it('reads up to `concurrency` groups at once, never more, and returns each group its own members', async () => {
    const reader = heldReader();
    const done = readMemberships(reader, groups, 4);
    for (let round = 0; round < 3; round += 1) {
      await new Promise((r) => setImmediate(r));
      expect(reader.inFlight).toBe(4);
      reader.release();
    }
    const members = await done;
    expect(reader.peak).toBe(4);
    expect([...members.keys()]).toEqual(groups.map((g) => g.id));
    expect(members.get('g7')).toEqual(new Set(['member-of-g7']));
  });
});
