import type { Logger } from '../log/logger.js';
import type { GraphSubscriptionSettings } from '../config/webhook.js';
import type { LifecycleNotice } from './graph-notifications.js';

/** The fields of a Graph subscription we read (learn.microsoft.com/graph/api/resources/subscription). */
export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string | null;
  expirationDateTime: string;
}

export interface NewGraphSubscription {
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  expirationDateTime: string;
  clientState: string;
}

/** The four Graph calls the manager needs; the default implementation is in graph-port.ts. */
export interface GraphSubscriptionPort {
  list(): Promise<GraphSubscription[]>;
  create(subscription: NewGraphSubscription): Promise<GraphSubscription>;
  renew(id: string, expirationDateTime: string): Promise<GraphSubscription>;
  delete(id: string): Promise<void>;
}

/** A Graph call failed; `status` is the HTTP status when there was a response. */
export class GraphSubscriptionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GraphSubscriptionError';
  }
}

const isNotFound = (err: unknown): boolean => err instanceof GraphSubscriptionError && err.status === 404;

export type SubscriptionResource = GraphSubscriptionSettings['resources'][number];
export type EnsureAction = 'created' | 'renewed' | 'kept' | 'recreated';

export interface EnsureOutcome {
  resource: SubscriptionResource;
  action: EnsureAction;
  subscriptionId: string;
  expirationDateTime: string;
  /** Duplicate subscriptions of ours that were deleted. */
  removed: string[];
}

/**
 * Users and groups support `updated` and `deleted` only; creation and soft delete arrive as
 * `updated` (https://learn.microsoft.com/graph/api/resources/subscription).
 */
const CHANGE_TYPE = 'updated,deleted';
const MINUTE_MS = 60_000;

export interface SubscriptionManagerOptions {
  port: GraphSubscriptionPort;
  settings: GraphSubscriptionSettings;
  clientState: string;
  logger: Logger;
  now?: () => number;
}

/**
 * Keeps one subscription per configured resource alive, well before Graph's < 29-day expiry
 * (https://learn.microsoft.com/graph/api/resources/subscription). Subscriptions are ours when they point at our
 * notificationUrl; the list call only returns the calling app's own. Operations run one at a time, so the timer and a
 * lifecycle notification never create twins.
 */
export class GraphSubscriptionManager {
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  /** Ids of the subscriptions this deployment keeps, as of the last ensure or listing. */
  private owned = new Set<string>();
  private listedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SubscriptionManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  private get lifecycleUrl(): string {
    return this.options.settings.lifecycleNotificationUrl ?? this.options.settings.notificationUrl;
  }

  ensureSubscriptions(): Promise<EnsureOutcome[]> {
    return this.serial(async () => {
      const existing = await this.options.port.list();
      const outcomes: EnsureOutcome[] = [];
      for (const resource of this.options.settings.resources) outcomes.push(await this.ensureOne(resource, existing));
      this.owned = new Set(outcomes.map((o) => o.subscriptionId));
      this.listedAt = this.now();
      return outcomes;
    });
  }

  /**
   * `reauthorizationRequired`: a renewal also reauthorizes (change-notifications-lifecycle-events);
   * a subscription that is gone, or `subscriptionRemoved`, is recreated by a full ensure.
   */
  async handleLifecycle(notice: LifecycleNotice): Promise<void> {
    if (notice.lifecycleEvent === 'reauthorizationRequired') {
      const renewed = await this.serial(() => this.renew(notice.subscriptionId));
      if (renewed) return;
    }
    if (notice.lifecycleEvent !== 'missed') await this.ensureSubscriptions();
  }

  /**
   * Whether a notification's subscription is one this deployment keeps: a clientState leaked to, or
   * shared with, another subscription must not make its notifications ours. An id not seen yet is
   * checked against Graph's list of the app's subscriptions at most once a minute ('unknown' when
   * Graph could not be asked, so the sender retries).
   */
  async owns(subscriptionId: string): Promise<'yes' | 'no' | 'unknown'> {
    if (this.owned.has(subscriptionId)) return 'yes';
    if (this.now() - this.listedAt < MINUTE_MS) return 'no';
    try {
      const listed = await this.serial(() => this.options.port.list());
      this.listedAt = this.now();
      const ours = listed.filter((s) => s.notificationUrl === this.options.settings.notificationUrl).map((s) => s.id);
      this.owned = new Set([...this.owned, ...ours]);
    } catch (err) {
      this.options.logger.warn(
        { err: { message: (err as Error).message } },
        'could not list Graph subscriptions to check a notification',
      );
      return 'unknown';
    }
    return this.owned.has(subscriptionId) ? 'yes' : 'no';
  }

  /** Ensures now and then every `checkIntervalMinutes`; failures are logged and retried on the next tick. */
  start(): { stop(): void } {
    const tick = (): void => {
      this.ensureSubscriptions().catch((err: unknown) =>
        this.options.logger.error(
          { err: { message: (err as Error).message } },
          'could not ensure Graph subscriptions; retrying at the next check',
        ),
      );
    };
    tick();
    const timer = setInterval(tick, this.options.settings.checkIntervalMinutes * MINUTE_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  private async ensureOne(
    resource: SubscriptionResource,
    existing: readonly GraphSubscription[],
  ): Promise<EnsureOutcome> {
    const ours = existing
      .filter(
        (s) =>
          normalizeResource(s.resource) === resource && s.notificationUrl === this.options.settings.notificationUrl,
      )
      .sort((a, b) => Date.parse(b.expirationDateTime) - Date.parse(a.expirationDateTime) || a.id.localeCompare(b.id));
    const [keep, ...extras] = ours;
    const removed = await this.deleteAll(extras);
    if (keep === undefined) return this.outcome(resource, 'created', await this.create(resource), removed);
    if (!this.matchesSettings(keep) || Date.parse(keep.expirationDateTime) <= this.now()) {
      // lifecycleNotificationUrl can only be set at creation, and an expired subscription is gone.
      await this.deleteAll([keep]);
      return this.outcome(resource, 'recreated', await this.create(resource), removed);
    }
    if (Date.parse(keep.expirationDateTime) - this.now() >= this.options.settings.renewBeforeMinutes * MINUTE_MS) {
      return this.outcome(resource, 'kept', keep, removed);
    }
    const renewed = await this.renew(keep.id);
    if (renewed) return this.outcome(resource, 'renewed', renewed, removed);
    return this.outcome(resource, 'recreated', await this.create(resource), removed);
  }

  private matchesSettings(s: GraphSubscription): boolean {
    const types = new Set(s.changeType.split(',').map((t) => t.trim()));
    return (
      (s.lifecycleNotificationUrl ?? undefined) === this.lifecycleUrl &&
      types.size === 2 &&
      types.has('updated') &&
      types.has('deleted')
    );
  }

  private expiry(): string {
    return new Date(this.now() + this.options.settings.lifetimeMinutes * MINUTE_MS).toISOString();
  }

  private create(resource: SubscriptionResource): Promise<GraphSubscription> {
    const { notificationUrl } = this.options.settings;
    return this.options.port.create({
      resource: `/${resource}`,
      changeType: CHANGE_TYPE,
      notificationUrl,
      lifecycleNotificationUrl: this.lifecycleUrl,
      expirationDateTime: this.expiry(),
      clientState: this.options.clientState,
    });
  }

  /** The renewed subscription, or undefined when Graph no longer has it. */
  private async renew(id: string): Promise<GraphSubscription | undefined> {
    try {
      return await this.options.port.renew(id, this.expiry());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async deleteAll(subscriptions: readonly GraphSubscription[]): Promise<string[]> {
    for (const s of subscriptions) {
      try {
        await this.options.port.delete(s.id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return subscriptions.map((s) => s.id);
  }

  private outcome(
    resource: SubscriptionResource,
    action: EnsureAction,
    s: GraphSubscription,
    removed: string[],
  ): EnsureOutcome {
    const outcome = { resource, action, subscriptionId: s.id, expirationDateTime: s.expirationDateTime, removed };
    this.options.logger[action === 'kept' ? 'debug' : 'info'](outcome, `Graph subscription ${action}`);
    return outcome;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** Graph echoes the resource as it was given (`/users`, `users`, `Users`). */
function normalizeResource(resource: string): string {
  return resource.replace(/^\//, '').toLowerCase();
}
