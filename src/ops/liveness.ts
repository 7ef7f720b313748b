/**
 * Liveness of a long-running worker process, for a Kubernetes liveness probe
 * (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/).
 *
 * - Event loop: a heartbeat timer records how late it fired. A loop blocked for good never answers
 *   the probe at all (the kubelet's timeout fails it); a loop blocked longer than the bound between
 *   beats is reported here, so a worker that only intermittently answers is restarted too.
 * - Redis: the connection's own events say when it was lost; a worker that has had no Redis for
 *   longer than the bound is reported, so a wedged client is replaced instead of waiting forever.
 *   Shorter outages are left to the client's reconnects (a Redis restart or failover).
 * - The consumer: a worker whose job loop has stopped takes no jobs however healthy the rest is.
 */

export interface LivenessBounds {
  maxEventLoopStallMs: number;
  maxRedisOutageMs: number;
}

/** The slice of an ioredis client the monitor listens to. */
export interface ConnectionEvents {
  readonly status: string;
  on(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
}

export interface LivenessReport {
  live: boolean;
  ready: boolean;
  reasons: string[];
  eventLoopLagMs: number;
  redisConnected: boolean;
}

const HEARTBEAT_MS = 1000;

export class LivenessMonitor {
  private lastBeat: number;
  private lagMs = 0;
  private redisLostAt: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bounds: LivenessBounds,
    redis: ConnectionEvents,
    private readonly consuming: () => boolean,
    private readonly now: () => number = Date.now,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.lastBeat = now();
    this.timer = setInterval(() => {
      const at = this.now();
      this.lagMs = Math.max(0, at - this.lastBeat - heartbeatMs);
      this.lastBeat = at;
    }, heartbeatMs);
    this.timer.unref();
    this.redisLostAt = redis.status === 'ready' ? undefined : now();
    redis.on('ready', () => (this.redisLostAt = undefined));
    const lost = (): void => {
      this.redisLostAt ??= this.now();
    };
    redis.on('close', lost);
    redis.on('end', lost);
  }

  report(): LivenessReport {
    const at = this.now();
    const reasons: string[] = [];
    const lag = Math.max(this.lagMs, at - this.lastBeat - this.heartbeatMs);
    if (lag > this.bounds.maxEventLoopStallMs)
      reasons.push(`event loop stalled ${lag} ms (bound ${this.bounds.maxEventLoopStallMs} ms)`);
    const outage = this.redisLostAt === undefined ? 0 : at - this.redisLostAt;
    if (outage > this.bounds.maxRedisOutageMs)
      reasons.push(`no Redis connection for ${outage} ms (bound ${this.bounds.maxRedisOutageMs} ms)`);
    const consuming = this.consuming();
    if (!consuming) reasons.push('the job loop is not running');
    return {
      live: reasons.length === 0,
      ready: reasons.length === 0 && this.redisLostAt === undefined,
      reasons,
      eventLoopLagMs: Math.max(0, lag),
      redisConnected: this.redisLostAt === undefined,
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
