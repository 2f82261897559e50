// CustomerChannel payloads and publishers. A "customer" here is a user of the own account, shown with the
// customer object of Powernode's CustomerChannel (docs/channels.md); the account supplies subdomain and subscription.

import type { Account, Db, User } from '../../src/db/prisma';
import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';
import { monthlyCents } from './analytics-events';
import { currentSubscription, type SubscriptionWithPlan } from './subscription-channel';

/** `customer_updates_<account_id>`. */
export function customerStream(accountId: string): string {
  return `customer_updates_${accountId}`;
}

/** Account-level facts shared by every customer of one account. */
export interface CustomerContext {
  account: Pick<Account, 'id' | 'subdomain'>;
  subscription: SubscriptionWithPlan | null;
  totalUsers: number;
}

const rawTime = (d: Date | null) => (d ? d.toISOString() : null);

/** The customer object for `user`. Times are raw Rails Time values (milliseconds). */
export function customerJson(user: User, ctx: CustomerContext): Record<string, unknown> {
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
export async function loadCustomer(db: Db, accountId: string, userId: string): Promise<Record<string, unknown> | null> {
  const user = await db.user.findFirst({ where: { id: userId, accountId } });
  return user ? customerJson(user, await customerContext(db, accountId)) : null;
}

/** `customer_created {customer, timestamp}`. */
export function publishCustomerCreated(b: Broadcaster, accountId: string, customer: Record<string, unknown>): Promise<void> {
  return b.broadcast(customerStream(accountId), { type: 'customer_created', customer, timestamp: isoNow() });
}

/** `customer_updated {event, customer, stats?, timestamp}` (CustomersController also sends `stats`). */
export function publishCustomerUpdated(b: Broadcaster, accountId: string, event: string, customer: Record<string, unknown>, stats?: Record<string, unknown>): Promise<void> {
  return b.broadcast(customerStream(accountId), { type: 'customer_updated', event, customer, ...(stats ? { stats } : {}), timestamp: isoNow() });
}

/** `customer_status_changed {customer_id, previous_status, status, customer, timestamp}`. */
export function publishCustomerStatusChanged(b: Broadcaster, accountId: string, customer: Record<string, unknown>, previousStatus: string): Promise<void> {
  const message = { type: 'customer_status_changed', customer_id: customer.id, previous_status: previousStatus, status: customer.status, customer, timestamp: isoNow() };
  return b.broadcast(customerStream(accountId), message);
}
