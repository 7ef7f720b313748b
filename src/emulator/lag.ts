import { resultFromArray, type ResultSet } from './result-set.js';
import type { EmulatorOptions } from './types.js';

/**
 * Emulated read-after-write lag (`consistencyLagMs`): AWS answered 404 to a member PATCH right after
 * CreateGroup (https://github.com/awslabs/ssosync/issues/42), and a public notebook waits 5 s after
 * creating a group (https://github.com/lichti/aws-iam-scim-problem). During the lag an object is
 * committed (uniqueness holds, an unfiltered list shows it) but requests on its id answer 404 and
 * filters do not find it.
 */
export function isLagging(
  object: { visibleFrom: number } | undefined,
  options: Pick<EmulatorOptions, 'consistencyLagMs'>,
): boolean {
  return (
    object !== undefined && options.consistencyLagMs > 0 && Date.now() - object.visibleFrom < options.consistencyLagMs
  );
}

/** A filtered result without the objects still lagging; free when there is no lag. */
export function settledOnly<T extends { visibleFrom: number }>(
  set: ResultSet<T>,
  options: Pick<EmulatorOptions, 'consistencyLagMs'>,
): ResultSet<T> {
  if (options.consistencyLagMs === 0) return set;
  return resultFromArray(set.slice(0, set.size).filter((item) => !isLagging(item, options)));
}
