import { createHash } from 'node:crypto';

/**
 * When a group's stored membership must be read back from AWS. Every group has its own offset in
 * the interval, from a hash of its AWS id, and is due once the first slot boundary
 * (offset + k × interval) after its last verification has passed. So a group is verified at least
 * once per interval, and the groups of a tenant verified together (a first sync) fall due spread
 * evenly over the next interval: with an hourly schedule each run reads about 1/24 of a 24 h interval's
 * groups instead of all of them in one run. A verification time in the future (a clock that went
 * back) makes the record suspect: due at once.
 */
export function verificationDue(groupId: string, verifiedAt: string, now: number, intervalMs: number): boolean {
  const verified = Date.parse(verifiedAt);
  if (!(intervalMs > 0) || Number.isNaN(verified) || verified > now) return true;
  const offset = offsetOf(groupId, intervalMs);
  return Math.floor((now - offset) / intervalMs) > Math.floor((verified - offset) / intervalMs);
}

function offsetOf(groupId: string, intervalMs: number): number {
  return createHash('sha256').update(groupId).digest().readUInt32BE(0) % Math.floor(intervalMs);
}
