import { randomUUID } from 'node:crypto';
import {
  graphChange,
  guid,
  oktaBody,
  oktaEvent,
  postGraph,
  postOkta,
  type GraphItem,
  type Receiver,
} from './webhook.js';

/** A burst from two senders: unique Graph notifications and Okta events, some deliveries repeated. */
export interface BurstShape {
  graphUnique: number;
  graphBatch: number;
  graphReplayedBatches: number;
  oktaUnique: number;
  oktaBatch: number;
  oktaReplayedBodies: number;
  /** Requests are spread over about this long, as a burst from two senders would arrive. */
  spreadMs: number;
}

/** 1,000 Graph notifications and 1,000 Okta events in about 4 s, 30 % of them re-deliveries. */
export const FULL_BURST: BurstShape = {
  graphUnique: 700,
  graphBatch: 5,
  graphReplayedBatches: 60,
  oktaUnique: 700,
  oktaBatch: 2,
  oktaReplayedBodies: 150,
  spreadMs: 4000,
};

type Send = () => Promise<Response>;

export interface Burst {
  sends: Send[];
  uniqueDeliveries: number;
  replayedDeliveries: number;
}

export function buildBurst(r: Receiver, shape: BurstShape): Burst {
  const graphBatches: GraphItem[][] = [];
  for (let i = 0; i < shape.graphUnique; i += shape.graphBatch) {
    graphBatches.push(
      Array.from({ length: shape.graphBatch }, () => graphChange('user', guid(), { id: randomUUID() })),
    );
  }
  const oktaBodies: string[] = [];
  for (let i = 0; i < shape.oktaUnique; i += shape.oktaBatch) {
    oktaBodies.push(
      oktaBody(
        Array.from({ length: shape.oktaBatch }, (_, j) =>
          oktaEvent('user.account.update_profile', [{ id: `00u${i + j}x${randomUUID().slice(0, 8)}`, type: 'User' }]),
        ),
      ),
    );
  }
  const sends: Send[] = [
    ...graphBatches.map((b) => () => postGraph(r, b)),
    ...graphBatches.slice(0, shape.graphReplayedBatches).map((b) => () => postGraph(r, b)),
    ...oktaBodies.map((b) => () => postOkta(r, b)),
    ...oktaBodies.slice(0, shape.oktaReplayedBodies).map((b) => () => postOkta(r, b)),
  ];
  // Replays land among the originals, some before them: delivery order is not promised.
  for (let i = sends.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [sends[i], sends[j]] = [sends[j]!, sends[i]!];
  }
  return {
    sends,
    uniqueDeliveries: shape.graphUnique + shape.oktaUnique,
    replayedDeliveries: shape.graphReplayedBatches * shape.graphBatch + shape.oktaReplayedBodies * shape.oktaBatch,
  };
}

/** Sends every request at its slot in the spread; returns each status and the client-side time to the answer. */
export async function fireBurst(sends: Send[], spreadMs: number): Promise<{ statuses: number[]; clientMs: number[] }> {
  const gap = spreadMs / sends.length;
  const results = await Promise.all(
    sends.map(async (send, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * gap));
      const started = performance.now();
      const res = await send();
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    }),
  );
  return { statuses: results.map((x) => x.status), clientMs: results.map((x) => x.ms) };
}
