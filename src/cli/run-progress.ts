import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { RunOptions } from '../sync/run.js';
import type { Composed } from './compose.js';
import { ttyProgress } from './progress-tty.js';

type Hooks = Pick<RunOptions, 'onPhase' | 'onPlanned' | 'onProgress'>;

export interface RunProgress {
  /** The logger to compose with; undefined keeps the default (pino JSON lines on stderr). */
  logger?: Logger;
  hooks(deps: Composed): Hooks;
  stop(): void;
}

/** Without a terminal, apply progress is a JSON log line at most this often. */
const LOG_EVERY_MS = 5000;

/**
 * How `diff` and `sync` report progress. On a terminal: phases, done/total, rate, ETA and throttled
 * time drawn on stderr, the plan summary before applying, and only warnings and errors logged (as
 * before, JSON) unless `log.level` asks for more. Otherwise (CI, a pod's log): the pino JSON lines,
 * unchanged.
 */
export function runProgress(config: Config, secrets: readonly string[], stderr: NodeJS.WriteStream): RunProgress {
  if (stderr.isTTY !== true) {
    let last = 0;
    return {
      hooks: (deps) => ({
        onProgress: (done, total) => {
          if (Date.now() - last < LOG_EVERY_MS && done !== total) return;
          last = Date.now();
          deps.logger.info({ done, total }, 'applying plan');
        },
      }),
      stop: () => undefined,
    };
  }
  let throttle: Composed['throttle'] | undefined;
  const tty = ttyProgress(stderr, () => throttle?.throttledMs ?? 0);
  const level = config.log.level === 'info' ? 'warn' : config.log.level;
  return {
    logger: createLogger({ level, secrets, destination: tty.log }),
    hooks: (deps) => {
      throttle = deps.throttle;
      return { onPhase: tty.onPhase, onPlanned: tty.onPlanned, onProgress: tty.onApplied };
    },
    stop: tty.stop,
  };
}
