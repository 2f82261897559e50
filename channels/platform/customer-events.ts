// CustomerChannel events and the customer object. A "customer" here is a user of the own account, shown with the
// customer object of Powernode's CustomerChannel (docs/channels.md); the account supplies subdomain and subscription.
// `update_customer_status` publishes `customer_updated` and `customer_status_changed`; `customer_created` comes
// from outside (users are created by Rails), so it is schema-only (`broadcaster(CustomerCreated)`).

import { z } from 'zod';
import { broadcaster, defineEvent, stream } from '../../src/channel/index';
import type { Account, Db, User } from '../../src/db/prisma';
import { monthlyCents } from './analytics-events';
import { currentSubscription, type SubscriptionWithPlan } from './subscription-channel';

/** `customer_updates_{account_id}`: every broadcast event below. */
export const CustomerStream = stream('customer_updates_{account_id}', { description: "Changes to the account's customers." });

/** `customer_updates_<account_id>`. */
export function customerStream(accountId: string): string {
  return CustomerStream.name({ account_id: accountId });
}

/** Account-level facts shared by every customer of one account. */
export interface CustomerContext {
  account: Pick<Account, 'id' | 'subdomain'>;
  subscription: SubscriptionWithPlan | null;
  totalUsers: number;
}

const rawTime = (d: Date | null) => (d ? d.toISOString() : null);

/** The customer object for `user`. Times are raw Rails Time values (milliseconds). */
export function customerJson(user: User, ctx: CustomerContext): z.input<typeof Customer> {
  const s = ctx.subscription;
  return {
    id: user.id,
    name: user.name,
    subdomain: ctx.account.subdomain,
    status: user.status,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    user: { id: user.id, name: user.name, full_name: user.name, email: user.email, email_verified: user.emailVerified, last_login_at: rawTime(user.lastLoginAt) },
    subscription: s
      ? {
          id: s.id,
          status: s.status,
          plan: s.plan ? { id: s.plan.id, name: s.plan.name, price_cents: s.plan.priceCents } : null,
          current_period_start: rawTime(s.currentPeriodStart),
          current_period_end: rawTime(s.currentPeriodEnd),
          trial_end: rawTime(s.trialEndsAt),
        }
      : null,
    mrr: s && s.status === 'active' ? monthlyCents(s.plan) : 0,
    total_users: ctx.totalUsers,
  };
}

/** Load the account-level context of `accountId`'s customers. */
export async function customerContext(db: Db, accountId: string): Promise<CustomerContext> {
  const [account, subscription, totalUsers] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId }, select: { id: true, subdomain: true } }),
    currentSubscription(db, accountId),
    db.user.count({ where: { accountId } }),
  ]);
  return { account, subscription, totalUsers };
}

/** The customer object of user `userId` of `accountId`, or null when that user is not in the account. */
export async function loadCustomer(db: Db, accountId: string, userId: string): Promise<z.input<typeof Customer> | null> {
  const user = await db.user.findFirst({ where: { id: userId, accountId } });
  return user ? customerJson(user, await customerContext(db, accountId)) : null;
}

const Time = z.string().nullable();
const Customer = z.looseObject({
  id: z.string(), name: z.string(), subdomain: z.string().nullable(), status: z.string(), created_at: z.string(), updated_at: z.string(),
  user: z.looseObject({ id: z.string(), name: z.string(), full_name: z.string(), email: z.string(), email_verified: z.boolean(), last_login_at: Time }),
  subscription: z.looseObject({
    id: z.string(), status: z.string(), plan: z.looseObject({ id: z.string(), name: z.string(), price_cents: z.number() }).nullable(),
    current_period_start: Time, current_period_end: Time, trial_end: Time,
  }).nullable(),
  mrr: z.number(), total_users: z.number(),
});

/** `customer_created {customer, timestamp}`. */
export const CustomerCreated = defineEvent({
  name: 'customer_created', delivery: ['broadcast'], streams: [CustomerStream], stamp: true, summary: 'A customer (user of the account) was created.',
  fields: { customer: Customer },
});
/** `customer_updated {event, customer, stats?, timestamp}` (CustomersController also sends `stats`). */
export const CustomerUpdated = defineEvent({
  name: 'customer_updated', delivery: ['broadcast'], streams: [CustomerStream], stamp: true, summary: '`event` says what changed (`status_changed` from update_customer_status).',
  fields: { event: z.string(), customer: Customer, stats: z.record(z.string(), z.unknown()).optional() },
});
/** `customer_status_changed {customer_id, previous_status, status, customer, timestamp}`. */
export const CustomerStatusChanged = defineEvent({
  name: 'customer_status_changed', delivery: ['broadcast'], streams: [CustomerStream], stamp: true,
  fields: { customer_id: z.string(), previous_status: z.string(), status: z.string(), customer: Customer },
});

/** Sent by `update_customer_status`. */
export const publishCustomerUpdated = broadcaster(CustomerUpdated);
/** Sent by `update_customer_status`. */
export const publishCustomerStatusChanged = broadcaster(CustomerStatusChanged);

// Transmitted and replies.
/** On subscribe. */
export const CustomerConnectionEstablished = defineEvent({
  name: 'connection_established', delivery: ['transmit'], stamp: true, fields: { message: z.literal('Connected to customer updates') },
});
/** `search` (at most 10) and `load_customers` (a page, with `total`, `page`, `per_page`). */
export const SearchResults = defineEvent({
  name: 'search_results', delivery: ['reply'], replyTo: ['search', 'load_customers'], stamp: true,
  fields: { query: z.string(), results: z.array(Customer), total: z.number().optional(), page: z.number().optional(), per_page: z.number().optional() },
});
/** `update_customer_status` done. */
export const UpdateSuccess = defineEvent({
  name: 'update_success', delivery: ['reply'], replyTo: ['update_customer_status'], stamp: true, fields: { message: z.string(), customer_id: z.string() },
});
/** `update_customer_status` refused (`errors`: the reason, e.g. `Permission denied: …`). */
export const UpdateError = defineEvent({
  name: 'update_error', delivery: ['reply'], replyTo: ['update_customer_status'], stamp: true,
  fields: { message: z.literal('Failed to update customer status'), errors: z.array(z.string()) },
});
/** `ping` → `pong {server_timestamp, customer_count}`. */
export const CustomerPong = defineEvent({ name: 'pong', delivery: ['reply'], replyTo: ['ping'], fields: { server_timestamp: z.string(), customer_count: z.number() } });
/** Invalid action data or a failure. */
export const CustomerError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['search', 'load_customers', 'update_customer_status', 'ping'], fields: { message: z.string(), action: z.string() },
});

/** Every CustomerChannel event (its `static events`). */
export const CUSTOMER_EVENTS = [
  CustomerCreated, CustomerUpdated, CustomerStatusChanged, CustomerConnectionEstablished, SearchResults, UpdateSuccess, UpdateError, CustomerPong, CustomerError,
] as const;
