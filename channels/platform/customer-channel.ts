// CustomerChannel: the own account's customers (its users, see customer-events.ts) for account admins and
// owners. Every query is scoped to the caller's account; the original searched and updated every account. Changing
// a status needs what Powernode's UsersController#suspend/#activate needs: admin.user.manage and users.read.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import type { User } from '../../src/db/prisma';
import { ApplicationChannel, isUuid, permissionDenied } from '../application-channel';
import {
  CUSTOMER_EVENTS, CustomerConnectionEstablished, CustomerError, CustomerPong, CustomerStream, SearchResults, UpdateError, UpdateSuccess,
  customerContext, customerJson, customerStream, publishCustomerStatusChanged, publishCustomerUpdated,
} from './customer-events';
import { isAccountAdmin } from './platform-access';
import { actionErrorMessage } from './platform-errors';

const Params = z.looseObject({ account_id: z.string().max(100) });
const Filters = z.looseObject({ status: z.string().max(50).nullish(), plan: z.string().max(100).nullish() }).nullish();
const Search = z.looseObject({ query: z.string().max(200).nullish(), filters: Filters });
const Load = z.looseObject({
  page: z.coerce.number().int().min(1).optional(), per_page: z.coerce.number().int().min(1).max(100).optional(),
  status: z.string().max(50).nullish(), search: z.string().max(200).nullish(), query: z.string().max(200).nullish(),
});
const UpdateStatus = z.looseObject({ customer_id: z.string().max(100), status: z.string().max(50) });
const NoData = z.looseObject({});

/** What changing another user's status needs (UsersController: `admin.user.manage`, and `users.read` for others). */
export const CUSTOMER_STATUS_PERMISSIONS: readonly string[] = ['admin.user.manage', 'users.read'];

/** Statuses an admin may set on a customer (User statuses, pending_verification excluded). */
export const CUSTOMER_STATUSES: readonly string[] = ['active', 'inactive', 'suspended'];

const matches = (u: User, q: string) => q === '' || u.name.toLowerCase().includes(q) || u.email.toLowerCase().includes(q);
const given = (v: string | null | undefined): v is string => typeof v === 'string' && v !== '' && v !== 'all';

/** Customer search, listing and status changes for account administrators. */
export class CustomerChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'CustomerChannel';
  static override params = Params;
  static override actions = { search: Search, load_customers: Load, update_customer_status: UpdateStatus, ping: NoData };
  static override writePermissions = { update_customer_status: CUSTOMER_STATUS_PERMISSIONS };
  static events = CUSTOMER_EVENTS;
  static streams = [CustomerStream];

  override subscribed(): void {
    if (!this.ownsAccount(this.params.account_id) || !isAccountAdmin(this.identity)) return this.reject();
    this.streamFrom(customerStream(this.accountId));
    this.transmit(eventMessage(CustomerConnectionEstablished, { timestamp: this.now() }));
  }

  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    this.transmit(eventMessage(CustomerError, { message: actionErrorMessage(error, 'Customer not found'), action }));
  }

  /** `update_error {message, errors:["Permission denied: …"], timestamp}`, as any other refused status change. */
  protected override refuse(_action: string, permissions: readonly string[]): void {
    this.updateError(permissionDenied(permissions));
  }

  /** `search {query, filters:{status?, plan?}}` → `search_results` (at most 10, newest first). */
  async search({ query, filters }: z.infer<typeof Search>): Promise<void> {
    const q = (query ?? '').trim();
    const { rows } = await this.customers(q, filters?.status, filters?.plan, 0, 10);
    this.transmit(eventMessage(SearchResults, { query: q, results: rows, timestamp: this.now() }));
  }

  /** The UI's `load_customers {page?, per_page?, status?, search?}` → a `search_results` page with `total`. */
  async load_customers(data: z.infer<typeof Load>): Promise<void> {
    const q = (data.search ?? data.query ?? '').trim();
    const page = data.page ?? 1;
    const perPage = data.per_page ?? 25;
    const { rows, total } = await this.customers(q, data.status, undefined, (page - 1) * perPage, perPage);
    this.transmit(eventMessage(SearchResults, { query: q, results: rows, total, page, per_page: perPage, timestamp: this.now() }));
  }

  /** `update_customer_status {customer_id, status}` → `update_success` + `customer_updated` + `customer_status_changed`, or `update_error`. */
  async update_customer_status({ customer_id, status }: z.infer<typeof UpdateStatus>): Promise<void> {
    if (!CUSTOMER_STATUSES.includes(status)) return this.updateError('Status is not included in the list');
    if (!isUuid(customer_id)) return this.updateError('Customer not found');
    const user = await this.db.user.findFirst({ where: this.owned(customer_id) });
    if (!user) return this.updateError('Customer not found');
    if (user.id === this.user.userId) return this.updateError('You cannot change your own status');
    const updated = await this.db.user.update({ where: { id: user.id }, data: { status } });
    const customer = customerJson(updated, await customerContext(this.db, this.accountId));
    const to = { account_id: this.accountId };
    await publishCustomerUpdated(this.services.broadcaster, to, { event: 'status_changed', customer });
    await publishCustomerStatusChanged(this.services.broadcaster, to, { customer_id: customer.id, previous_status: user.status, status: customer.status, customer });
    this.transmit(eventMessage(UpdateSuccess, { message: `Customer status updated to ${status}`, customer_id: user.id, timestamp: this.now() }));
  }

  /** `ping` → `pong {server_timestamp, customer_count}` (customers of the own account). */
  async ping(): Promise<void> {
    const count = await this.db.user.count({ where: { accountId: this.accountId } });
    this.transmit(eventMessage(CustomerPong, { server_timestamp: this.now(), customer_count: count }));
  }

  private updateError(reason: string): void {
    this.transmit(eventMessage(UpdateError, { errors: [reason], timestamp: this.now() }));
  }

  private async customers(q: string, status: string | null | undefined, plan: string | null | undefined, skip: number, take: number) {
    const ctx = await customerContext(this.db, this.accountId);
    if (given(plan) && ctx.subscription?.planId !== plan) return { rows: [], total: 0 };
    const users = await this.db.user.findMany({
      where: { accountId: this.accountId, ...(given(status) ? { status } : {}) },
      orderBy: { createdAt: 'desc' },
    });
    // Case-insensitive match in memory: the same on SQLite and PostgreSQL, bounded by one account's users.
    const hits = users.filter((u) => matches(u, q.toLowerCase()));
    return { rows: hits.slice(skip, skip + take).map((u) => customerJson(u, ctx)), total: hits.length };
  }
}
