// SubscriptionChannel: the own account's billing subscription on `account_<id>`. Works with or without
// billing rows: an account without a subscription gets `subscription: null`, never a crash. Serves the Rails
// actions (`get_status`, `refresh_subscriptions`) and the ones the public `useSubscriptionWebSocket` sends
// (`request_update`, `monitor`); all of them only read.

import { z } from 'zod';
import { broadcaster, defineEvent, eventMessage, ParamsInvalidError } from '../../src/channel/index';
import type { Db, Plan, Subscription } from '../../src/db/prisma';
import { ApplicationChannel, iso, isoNow } from '../application-channel';
import { AccountStream, accountStream } from './notification-events';
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
export function subscriptionJson(s: SubscriptionWithPlan): z.input<typeof SubscriptionObject> {
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

const SubscriptionObject = z.looseObject({
  id: z.string(), status: z.string(), current_period_start: z.string().nullable(), current_period_end: z.string().nullable(),
  trial_ends_at: z.string().nullable(), canceled_at: z.string().nullable(), ends_at: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
  plan: z.looseObject({ id: z.string(), name: z.string(), price: z.number(), interval: z.string(), features: z.unknown(), currency: z.string() }).nullable(),
});
/** The account's subscription, or null without billing rows. */
const Sub = SubscriptionObject.nullable();

/**
 * `subscription_updated {subscription}` broadcast to `account_<id>` (NotificationChannel subscribers receive it
 * too); `request_update` and `monitor` transmit it to the caller with `account_id` and `timestamp`.
 */
export const SubscriptionUpdated = defineEvent({
  name: 'subscription_updated', delivery: ['broadcast', 'reply'], replyTo: ['request_update', 'monitor'], streams: [AccountStream],
  summary: 'Broadcast as `{subscription}`; the replies of `request_update` and `monitor` (to the caller only) add `account_id` and `timestamp`.',
  fields: { subscription: Sub, account_id: z.string().optional(), timestamp: z.string().optional() },
});
/** On subscribe and `get_status`: `subscription_status {subscription, account_id, timestamp}`. */
export const SubscriptionStatus = defineEvent({
  name: 'subscription_status', delivery: ['transmit', 'reply'], replyTo: ['get_status'], stamp: true, fields: { subscription: Sub, account_id: z.string() },
});
/** A failed action: "Subscription not found" for a bad `subscription_id`, else "Request failed" or invalid parameters. */
export const SubscriptionError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['get_status', 'refresh_subscriptions', 'request_update', 'monitor'], fields: { message: z.string(), action: z.string() },
});

/** Every SubscriptionChannel event (its `static events`). */
export const SUBSCRIPTION_EVENTS = [SubscriptionUpdated, SubscriptionStatus, SubscriptionError] as const;

/** `refresh_subscriptions`: `subscription_updated {subscription}` to every subscriber of the account. */
export const publishSubscriptionUpdated = broadcaster(SubscriptionUpdated);

/** Subscription status of the caller's account. */
export class SubscriptionChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'SubscriptionChannel';
  static override params = Params;
  static override actions = { get_status: NoData, refresh_subscriptions: NoData, request_update: RequestUpdate, monitor: Monitor };
  static events = SUBSCRIPTION_EVENTS;

  override async subscribed(): Promise<void> {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(accountStream(this.accountId));
    await this.get_status();
  }

  /** `{type:"error", message, action}` (the hook reads `message`); a bad `subscription_id` is "Subscription not found". */
  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    const message = isBadSubscriptionId(error) ? NOT_FOUND : actionErrorMessage(error, NOT_FOUND);
    this.transmit(eventMessage(SubscriptionError, { message, action }));
  }

  /** Transmit `subscription_status {subscription, account_id, timestamp}`. */
  async get_status(): Promise<void> {
    const s = await currentSubscription(this.db, this.accountId);
    this.transmit(eventMessage(SubscriptionStatus, { subscription: s ? subscriptionJson(s) : null, account_id: this.accountId, timestamp: this.now() }));
  }

  /** Broadcast `subscription_updated` to every subscriber of the account. */
  async refresh_subscriptions(): Promise<void> {
    const s = await currentSubscription(this.db, this.accountId);
    await publishSubscriptionUpdated(this.services.broadcaster, { account_id: this.accountId }, { subscription: s ? subscriptionJson(s) : null });
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
    this.transmit(eventMessage(SubscriptionUpdated, { subscription: s ? subscriptionJson(s) : null, account_id: this.accountId, timestamp: this.now() }));
  }

  /** The subscription `id` of the caller's account (UUID checked before the query); NotFoundError otherwise. */
  private async ownSubscription(id: string): Promise<SubscriptionWithPlan> {
    const row = await this.db.subscription.findFirst({ where: this.owned(id), include: { plan: true } });
    return this.found(row, 'subscription');
  }
}
