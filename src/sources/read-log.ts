import type { Logger } from '../log/logger.js';
import type { Snapshot } from '../model/snapshot.js';

/** The one log line every source writes after a complete read: counts and time, never attributes. */
export function logSnapshotRead(log: Logger, snapshot: Snapshot, startedMs: number): void {
  log.info(
    {
      users: snapshot.users.length,
      groups: snapshot.groups.length,
      unresolvedMembers: snapshot.unresolvedMembers.length,
      skipped: snapshot.skipped.length,
      ms: Math.round(performance.now() - startedMs),
    },
    'source read complete',
  );
}
