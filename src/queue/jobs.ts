import type { JobsOptions } from 'bullmq';
import type { Operation } from '../diff/plan.js';

/**
 * A job is one plan operation of one run. The payload is ids and directory data only, never a
 * credential: BullMQ stores job data in clear text (https://docs.bullmq.io/guide/going-to-production).
 */
export interface OperationJob {
  runId: string;
  index: number;
  op: Operation;
}

/**
 * Job ids carry the run id: BullMQ silently drops a job whose id already exists in any state,
 * completed included (bull #1828, bullmq #3765), so ids must never repeat across runs. No `:`.
 */
export function jobId(runId: string, index: number): string {
  return `${runId}-${index}`;
}

export const BACKOFF_TYPE = 'icsync-jitter';

export function jobOptions(runId: string, index: number, attempts: number, keepFailed: number): JobsOptions {
  return {
    jobId: jobId(runId, index),
    attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: true,
    removeOnFail: { count: keepFailed },
  };
}
