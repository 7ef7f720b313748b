/**
 * Errors with stable codes. Callers branch on `code`, never on message text.
 * Messages say what happened and what the operator can do about it.
 */
export type SyncErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'SOURCE_READ_FAILED'
  | 'SOURCE_REFUSED'
  | 'SCIM_ERROR'
  | 'SCIM_TRANSPORT'
  | 'CREDENTIALS_INVALID'
  | 'THROTTLED'
  | 'LOCKED'
  | 'STATE_STORE';

export class SyncError extends Error {
  readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ConfigError extends SyncError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

/**
 * The command line is wrong (an unknown command or flag, a malformed or unmatched `--only`
 * selector): a typo to fix, told apart from an invalid configuration by its own exit code.
 */
export class UsageError extends SyncError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A source could not be read completely. Nothing may be planned from it. */
export class SourceReadError extends SyncError {
  readonly sourceId: string;

  constructor(sourceId: string, message: string, options?: { cause?: unknown }) {
    super('SOURCE_READ_FAILED', `source ${sourceId}: ${message}`, options);
    this.sourceId = sourceId;
  }
}

/** A source was read, but its result fails a safety guard (empty, or shrank too much). */
export class SourceRefusedError extends SyncError {
  constructor(message: string) {
    super('SOURCE_REFUSED', message);
  }
}

export class StateStoreError extends SyncError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STATE_STORE', message, options);
  }
}

/** Redis (queue or state store) is unreachable, or set up so that it could lose BullMQ's keys. */
export class RedisUnavailableError extends SyncError {
  /** True when Redis did not answer at all (as opposed to answering with an unsafe setting). */
  readonly unreachable: boolean;

  constructor(message: string, options?: { cause?: unknown; unreachable?: boolean }) {
    super('STATE_STORE', message, options);
    this.unreachable = options?.unreachable ?? false;
  }
}
