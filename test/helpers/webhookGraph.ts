import { randomUUID } from 'node:crypto';
import { GRAPH_MAX_SUBSCRIPTION_MINUTES } from '../../src/config/webhook.js';
import {
  GraphSubscriptionError,
  type GraphSubscription,
  type GraphSubscriptionPort,
  type NewGraphSubscription,
} from '../../src/webhook/graph-subscriptions.js';

export interface PortCall {
  op: 'list' | 'create' | 'renew' | 'delete';
  id?: string;
  body?: NewGraphSubscription | { expirationDateTime: string };
}

/**
 * Graph's subscription endpoint in memory, with its own clock: it refuses an expiry past
 * 41,760 minutes from *its* now (the documented maximum), as Graph does, so clock skew shows.
 */
export class FakeGraphPort implements GraphSubscriptionPort {
  readonly subscriptions = new Map<string, GraphSubscription & { clientState: string }>();
  readonly calls: PortCall[] = [];

  constructor(public graphNow: () => number = Date.now) {}

  async list(): Promise<GraphSubscription[]> {
    this.calls.push({ op: 'list' });
    return [...this.subscriptions.values()].map(({ clientState: _hidden, ...s }) => s);
  }

  async create(body: NewGraphSubscription): Promise<GraphSubscription> {
    this.calls.push({ op: 'create', body });
    this.checkExpiry(body.expirationDateTime);
    const created = { id: randomUUID(), ...body };
    this.subscriptions.set(created.id, created);
    const { clientState: _hidden, ...visible } = created;
    return visible;
  }

  async renew(id: string, expirationDateTime: string): Promise<GraphSubscription> {
    this.calls.push({ op: 'renew', id, body: { expirationDateTime } });
    const existing = this.subscriptions.get(id);
    if (existing === undefined) throw new GraphSubscriptionError('PATCH /subscriptions/{id}: HTTP 404', 404);
    this.checkExpiry(expirationDateTime);
    existing.expirationDateTime = expirationDateTime;
    const { clientState: _hidden, ...visible } = existing;
    return visible;
  }

  async delete(id: string): Promise<void> {
    this.calls.push({ op: 'delete', id });
    if (!this.subscriptions.delete(id)) throw new GraphSubscriptionError('DELETE /subscriptions/{id}: HTTP 404', 404);
  }

  /** Adds a subscription as if created earlier (by us or by hand). */
  seed(
    s: Partial<GraphSubscription> & { resource: string; expirationDateTime: string; notificationUrl: string },
  ): string {
    const id = s.id ?? randomUUID();
    this.subscriptions.set(id, {
      changeType: 'updated,deleted',
      lifecycleNotificationUrl: s.notificationUrl,
      clientState: 'seeded',
      ...s,
      id,
    });
    return id;
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  private checkExpiry(expirationDateTime: string): void {
    if (Date.parse(expirationDateTime) > this.graphNow() + GRAPH_MAX_SUBSCRIPTION_MINUTES * 60_000) {
      throw new GraphSubscriptionError(
        'HTTP 400: ExtensionError: Subscription expiration can only be 41760 minutes in the future',
        400,
      );
    }
  }
}
