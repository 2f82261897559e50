// CustomerChannel: account admins/owners only; search, listing and status changes on the own account's users.

import {
  CustomerCreated, customerContext, customerJson, loadCustomer, publishCustomerStatusChanged, publishCustomerUpdated,
} from '../../../channels/platform/customer-events';
import { broadcaster } from '../../../src/channel/index';
import { expectSubscribed, ofType, replyTo } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

const params = { channel: 'CustomerChannel', account_id: acme.account };

const env = platformSuite();

type Customer = { id: string; user: { email: string } };
const ids = (m: Record<string, unknown>) => (m.results as Customer[]).map((r) => r.id).sort();

describe('CustomerChannel', () => {
  describe('subscribe', () => {
    it('accepts an owner of the own account and streams customer_updates_<id>', async () => {
      await expectSubscribed(await env.connectUser(acme.owner), params, [`customer_updates_${acme.account}`], [{ type: 'connection_established', message: 'Connected to customer updates', timestamp: expect.any(String) }]);
    });

    it('rejects users without an admin or owner role, even with admin.access', async () => {
      for (const user of [acme.member, acme.viewer]) await env.refusesUser(user, params);
    });

    it('rejects a foreign account, a malformed id, missing params and a worker', async () => {
      await env.refusesUser(acme.owner, { ...params, account_id: globex.account }, { ...params, account_id: 'x' }, { channel: 'CustomerChannel' });
      await env.refusesWorker(params);
    });
  });

  describe('#search', () => {
    it('finds users of the own account by name or email, case-insensitively, as customer objects', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      await c.perform(params, 'search', { query: 'MEMBER', filters: {} });
      const reply = c.last(params);
      expect(reply).toMatchObject({ type: 'search_results', query: 'MEMBER' });
      expect(ids(reply)).toEqual([acme.member]);
      const member = await env.db.user.findUniqueOrThrow({ where: { id: acme.member } });
      expect((reply.results as unknown[])[0]).toEqual(customerJson(member, await customerContext(env.db, acme.account)));
      expect((reply.results as unknown[])[0]).toMatchObject({
        id: acme.member, name: 'Acme Member', subdomain: 'acme', status: 'active', total_users: 4, mrr: 4900,
        user: { id: acme.member, email: 'member@acme.example', full_name: 'Acme Member', email_verified: true },
        subscription: { status: 'active', plan: { name: 'Pro', price_cents: 4900 } },
      });
    });

    it('never returns another account\'s users', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      await c.perform(params, 'search', { query: 'globex' });
      expect(c.last(params).results).toEqual([]);
      await c.perform(params, 'search', {});
      expect(ids(c.last(params))).toEqual([acme.owner, acme.member, acme.viewer, acme.inactive].sort());
    });

    it('filters by status and by plan', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      await c.perform(params, 'search', { query: '', filters: { status: 'inactive' } });
      expect(ids(c.last(params))).toEqual([acme.inactive]);
      await c.perform(params, 'search', { query: '', filters: { plan: '00000000-0000-4000-8000-000000000000' } });
      expect(c.last(params).results).toEqual([]);
      const sub = await env.db.subscription.findFirstOrThrow({ where: { accountId: acme.account } });
      await c.perform(params, 'search', { filters: { plan: sub.planId, status: 'all' } });
      expect((c.last(params).results as unknown[]).length).toBe(4);
    });

    it('answers invalid data with an error frame', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      expect(await replyTo(c, params, 'search', { query: 5 })).toEqual({ type: 'error', message: 'Invalid parameters: query', action: 'search' });
    });
  });

  describe('#load_customers', () => {
    it('pages the own account\'s customers as search_results with a total', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      expect(await replyTo(c, params, 'load_customers', { page: 2, per_page: 3 })).toMatchObject({ type: 'search_results', query: '', total: 4, page: 2, per_page: 3 });
      expect((c.last(params).results as unknown[]).length).toBe(1);
      expect(await replyTo(c, params, 'load_customers', { status: 'active', search: 'acme' })).toMatchObject({ total: 3 });
    });
  });

  describe('#update_customer_status', () => {
    it('updates a user of the own account, replies update_success and broadcasts customer_updated', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      const otherParams = { channel: 'CustomerChannel', account_id: globex.account };
      const other = await env.subscribedUser(globex.owner, otherParams);
      await c.perform(params, 'update_customer_status', { customer_id: acme.viewer, status: 'suspended' });
      expect((await env.db.user.findUniqueOrThrow({ where: { id: acme.viewer } })).status).toBe('suspended');
      const [updated] = ofType(c, params, 'customer_updated');
      expect(updated).toMatchObject({ type: 'customer_updated', event: 'status_changed', customer: { id: acme.viewer, status: 'suspended' }, timestamp: expect.any(String) });
      expect(ofType(c, params, 'customer_status_changed')).toEqual([{
        type: 'customer_status_changed', customer_id: acme.viewer, previous_status: 'active', status: 'suspended',
        customer: expect.objectContaining({ id: acme.viewer, status: 'suspended' }), timestamp: expect.any(String),
      }]);
      expect(c.last(params)).toEqual({ type: 'update_success', message: 'Customer status updated to suspended', customer_id: acme.viewer, timestamp: expect.any(String) });
      expect(other.received(otherParams)).toHaveLength(1);
      await c.perform(params, 'update_customer_status', { customer_id: acme.viewer, status: 'active' });
      expect(ofType(c, params, 'customer_status_changed')[1]).toMatchObject({ previous_status: 'suspended', status: 'active' });
    });

    it('refuses another account\'s user, the caller, a malformed id and an unknown status', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ customer_id: globex.member, status: 'suspended' }, 'Customer not found'],
        [{ customer_id: 'bad', status: 'suspended' }, 'Customer not found'],
        [{ customer_id: acme.owner, status: 'inactive' }, 'You cannot change your own status'],
        [{ customer_id: acme.member, status: 'owner' }, 'Status is not included in the list'],
      ];
      for (const [data, error] of cases) {
        expect(await replyTo(c, params, 'update_customer_status', data)).toEqual({ type: 'update_error', message: 'Failed to update customer status', errors: [error], timestamp: expect.any(String) });
      }
      expect((await env.db.user.findUniqueOrThrow({ where: { id: globex.member } })).status).toBe('active');
      expect((await env.db.user.findUniqueOrThrow({ where: { id: acme.owner } })).status).toBe('active');
    });
  });

  it('answers ping with the own account\'s customer count', async () => {
    const c = await env.subscribedUser(acme.owner, params);
    expect(await replyTo(c, params, 'ping')).toEqual({ type: 'pong', server_timestamp: expect.any(String), customer_count: 4 });
  });

  it('publishers deliver customer_created, customer_updated and customer_status_changed', async () => {
    const c = await env.subscribedUser(acme.owner, params);
    const customer = await loadCustomer(env.db, acme.account, acme.member);
    if (!customer) throw new Error('no customer');
    expect(await loadCustomer(env.db, acme.account, globex.member)).toBeNull();
    const to = { account_id: acme.account };
    await broadcaster(CustomerCreated)(env.broadcaster, to, { customer });
    await publishCustomerUpdated(env.broadcaster, to, { event: 'updated', customer, stats: { total: 4 } });
    await publishCustomerStatusChanged(env.broadcaster, to, { customer_id: customer.id, previous_status: 'inactive', status: customer.status, customer });
    await c.idle();
    expect(c.received(params).slice(-3)).toEqual([
      { type: 'customer_created', customer, timestamp: expect.any(String) },
      { type: 'customer_updated', event: 'updated', customer, stats: { total: 4 }, timestamp: expect.any(String) },
      { type: 'customer_status_changed', customer_id: acme.member, previous_status: 'inactive', status: 'active', customer, timestamp: expect.any(String) },
    ]);
  });
});
