// SubscriptionChannel: the own account's billing subscription on `account_<id>`. Works with or without
// billing rows: an account without a subscription gets `subscription: null`, never a crash. Serves the Rails
// actions (`get_status`, `refresh_subscriptions`) and the ones the public `useSubscriptionWebSocket` sends
// (`request_update`, `monitor`); all of them only read.

import { z } from 'zod';
import { ParamsInvalidError } from '../../src/channel/index';
import type { Db, Plan, Subscription } from '../../src/db/prisma';
import { ApplicationChannel, iso, isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';
import { accountStream } from './notification-events';
import { actionErrorMessage } from './platform-errors';

const Params = z.looseObject({ account_id: z.string().max(100) });
const NoData = z.looseObject({});
/** A subscription id as the hook sends it (a UUID; anything longer than this is refused before the database). */
const SubscriptionId = z.string().max(64);
const RequestUpdate = z.looseObject({ subscription_id: SubscriptionId.nullish() });
const Monitor = z.looseObject({ subscription_id: SubscriptionId });
const NOT_FOUND = 'Subscription not found';

/** Whether `error` is invalid action data in `subscription_id` only (too long, not a string, missing): a malformed id. */
function isBadSubscriptionId(error: unknown): boolean {
  return error instanceof ParamsInvalidError && error.issues.every((i) => i.path === 'subscription_id');
}

/** A subscription row with its plan. */
export type SubscriptionWithPlan = Subscription & { plan: Plan | null };

/** Powernode's subscription object (`serialize_subscription`). */
export function subscriptionJson(s: SubscriptionWithPlan): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    current_period_start: iso(s.currentPeriodStart),
    current_period_end: iso(s.currentPeriodEnd),
    trial_ends_at: iso(s.trialEndsAt),
    canceled_at: iso(s.canceledAt),
    ends_at: iso(s.endsAt),
    created_at: isoNow(s.createdAt),
    updated_at: isoNow(s.updatedAt),
    plan: s.plan
      ? { id: s.plan.id, name: s.plan.name, price: s.plan.priceCents, interval: s.plan.billingCycle, features: s.plan.features ?? {}, currency: s.plan.currency }
      : null,
  };
}

/** The account's current subscription: the newest one that has not ended, else the newest; null without any. */
export async function currentSubscription(db: Db, accountId: string): Promise<SubscriptionWithPlan | null> {
  const rows = await db.subscription.findMany({ where: { accountId }, include: { plan: true }, orderBy: { createdAt: 'desc' }, take: 20 });
  return rows.find((s) => !['canceled', 'ended', 'expired'].includes(s.status)) ?? rows[0] ?? null;
}

/** `subscription_updated {subscription}` to `account_<id>` (NotificationChannel subscribers receive it too). */
export function publishSubscriptionUpdated(b: Broadcaster, accountId: string, subscription: SubscriptionWithPlan | null): Promise<void> {
  return b.broadcast(accountStream(accountId), { type: 'subscription_updated', subscription: subscription ? subscriptionJson(subscription) : null });
}

/** Subscription status of the caller's account. */
export class SubscriptionChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'SubscriptionChannel';
  static override params = Params;
  static override actions = { get_status: NoData, refresh_subscriptions: NoData, request_update: RequestUpdate, monitor: Monitor };

  override async subscribed(): Promise<void> {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(accountStream(this.accountId));
    await this.get_status();
  }

  /** `{type:"error", message, action}` (the hook reads `message`); a bad `subscription_id` is "Subscription not found". */
  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    const message = isBadSubscriptionId(error) ? NOT_FOUND : actionErrorMessage(error, NOT_FOUND);
    this.transmit({ type: 'error', message, action });
  }

  /** Transmit `subscription_status {subscription, account_id, timestamp}`. */
  async get_status(): Promise<void> {
    const s = await currentSubscription(this.db, this.accountId);
    this.transmit({ type: 'subscription_status', subscription: s ? subscriptionJson(s) : null, account_id: this.accountId, timestamp: this.now() });
  }

  /** Broadcast `subscription_updated` to every subscriber of the account. */
  async refresh_subscriptions(): Promise<void> {
    await publishSubscriptionUpdated(this.services.broadcaster, this.accountId, await currentSubscription(this.db, this.accountId));
  }

  /** `request_update {subscription_id?}` → `subscription_updated` with that subscription of the account (or the current one), to the caller only. */
  async request_update({ subscription_id }: z.infer<typeof RequestUpdate>): Promise<void> {
    const s = subscription_id ? await this.ownSubscription(subscription_id) : await currentSubscription(this.db, this.accountId);
    this.transmitUpdated(s);
  }

  /** `monitor {subscription_id}` → the subscription's current state as `subscription_updated`; later changes arrive on `account_<id>`. */
  async monitor({ subscription_id }: z.infer<typeof Monitor>): Promise<void> {
    this.transmitUpdated(await this.ownSubscription(subscription_id));
  }

  private transmitUpdated(s: SubscriptionWithPlan | null): void {
    this.transmit({ type: 'subscription_updated', subscription: s ? subscriptionJson(s) : null, account_id: this.accountId, timestamp: this.now() });
  }

  /** The subscription `id` of the caller's account (UUID checked before the query); NotFoundError otherwise. */
  private async ownSubscription(id: string): Promise<SubscriptionWithPlan> {
    const row = await this.db.subscription.findFirst({ where: this.owned(id), include: { plan: true } });
    return this.found(row, 'subscription');
  }
}
