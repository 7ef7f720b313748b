import type { Config } from '../config/schema.js';
import { checkSourceSize, type SourceShrink } from '../diff/index.js';
import { SourceReadError, SourceRefusedError } from '../errors.js';
import type { Snapshot } from '../model/snapshot.js';
import type { SourceConnector } from '../sources/types.js';
import type { SyncState } from '../state/store.js';
import { networkProblem } from '../util/network.js';

/** Reads every source completely, in order; any failure is a SourceReadError naming the source. */
export async function readAllSources(sources: readonly SourceConnector[], signal: AbortSignal): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  for (const s of sources) {
    try {
      snapshots.push(await s.readSnapshot(signal));
    } catch (err) {
      // An unreachable server is the common case; say which host and what to check, in one line.
      const network = networkProblem(err);
      if (network)
        throw new SourceReadError(
          s.id,
          `cannot reach ${network.host ?? 'its server'}: ${network.what} (${network.code}); check ${network.check}`,
          { cause: err },
        );
      if (err instanceof SourceReadError) throw err;
      throw new SourceReadError(s.id, `read failed: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
  return snapshots;
}

/** Refuses an empty source outright; returns each shrunk source, which holds the plan. */
export function guardSourceSizes(
  snapshots: readonly Snapshot[],
  state: SyncState,
  config: Config,
  options: { allowEmptySource?: boolean; allowShrink?: boolean },
): SourceShrink[] {
  const shrunk: SourceShrink[] = [];
  for (const snap of snapshots) {
    const refusal = checkSourceSize(
      snap.sourceId,
      { users: snap.users.length, groups: snap.groups.length },
      state.sources[snap.sourceId],
      {
        maxShrinkPercent: config.sync.maxSourceShrinkPercent,
        allowEmpty: options.allowEmptySource ?? false,
        allowShrink: options.allowShrink ?? false,
      },
    );
    if (refusal?.guard === 'empty') throw new SourceRefusedError(refusal.reason);
    if (refusal) shrunk.push(refusal);
  }
  return shrunk;
}
