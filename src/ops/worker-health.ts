import { Counter } from './prometheus.js';
import { LivenessMonitor, type ConnectionEvents, type LivenessBounds } from './liveness.js';
import { createOpsServer, PROMETHEUS_CONTENT_TYPE } from './ops-server.js';

/** The slice of a BullMQ Worker that health and metrics read. */
export interface ObservedWorker {
  isRunning(): boolean;
  on(event: 'completed' | 'failed', listener: () => void): unknown;
}

export interface WorkerHealthOptions extends LivenessBounds {
  host: string;
  port: number;
  redis: ConnectionEvents;
  worker: ObservedWorker;
}

export interface WorkerHealth {
  address: { host: string; port: number };
  monitor: LivenessMonitor;
  close(): Promise<void>;
}

/**
 * `icsync worker`'s operations port: GET /healthz for the liveness probe (503 with the reasons when
 * the worker is stuck), /readyz (Redis connected and consuming), /metrics for Prometheus.
 */
export async function startWorkerHealth(options: WorkerHealthOptions): Promise<WorkerHealth> {
  const monitor = new LivenessMonitor(options, options.redis, () => options.worker.isRunning());
  const jobs = new Counter('icsync_worker_jobs_total', 'Queued plan operations this worker finished, by outcome');
  options.worker.on('completed', () => jobs.inc({ outcome: 'completed' }));
  options.worker.on('failed', () => jobs.inc({ outcome: 'failed' }));
  const server = createOpsServer(options.host, options.port, {
    '/healthz': async () => {
      const r = monitor.report();
      return r.live ? { status: 200, body: 'ok\n' } : { status: 503, body: `${r.reasons.join('\n')}\n` };
    },
    '/readyz': async () =>
      monitor.report().ready ? { status: 200, body: 'ready\n' } : { status: 503, body: 'not ready\n' },
    '/metrics': async () => ({
      status: 200,
      body: renderWorkerMetrics(monitor, jobs),
      contentType: PROMETHEUS_CONTENT_TYPE,
    }),
  });
  try {
    const address = await server.listen();
    return {
      address,
      monitor,
      async close() {
        monitor.stop();
        await server.close();
      },
    };
  } catch (err) {
    monitor.stop();
    throw err;
  }
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
}

function renderWorkerMetrics(monitor: LivenessMonitor, jobs: Counter): string {
  const r = monitor.report();
  return [
    jobs.render(),
    gauge('icsync_worker_live', '1 while /healthz passes', r.live ? 1 : 0),
    gauge('icsync_worker_redis_connected', '1 while the Redis connection is up', r.redisConnected ? 1 : 0),
    gauge(
      'icsync_worker_event_loop_lag_seconds',
      'How late the last event-loop heartbeat fired',
      r.eventLoopLagMs / 1000,
    ),
  ].join('');
}
