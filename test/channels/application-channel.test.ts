// ApplicationChannel's account-scoped guards on SQLite and PostgreSQL: `owned` (id and account in the query itself),
// `uuid` (malformed ids refused before any query, so PostgreSQL's uuid columns never see them), `found`,
// `ownsAccount` and the identity-kind check. Each refuses another account's id, a malformed id and a missing id
// with a logged CABLE_NOT_FOUND and reject_subscription, and no exception escapes to the connection.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApplicationChannel, isUuid } from '../../channels/application-channel';
import { connectClient, testUser, type HarnessServer } from '../../src/testing/index';
import { adminWorker, appHarness } from '../support/channel-suite';
import type { AppServices } from '../../channels/support/services';
import type { Identity } from '../../src/auth/identity';
import type { Db } from '../../src/db/prisma';
import { capturingLogger } from '../support/logger';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

const AgentParams = z.looseObject({ agent_id: z.unknown().optional() });

/** Looks the agent up with `owned` + `found` and transmits it. */
class OwnedAgentChannel extends ApplicationChannel<z.infer<typeof AgentParams>> {
  static override channel = 'OwnedAgentChannel';
  static override params = AgentParams;
  override async subscribed(): Promise<void> {
    const agent = this.found(await this.db.aiAgent.findFirst({ where: this.owned(this.params.agent_id) }), 'agent');
    this.transmit({ agent: agent.id });
  }
}

const AccountParams = z.looseObject({ account_id: z.unknown().optional() });

/** Confirms only for the caller's own account (Powernode `authorized_for_account?`). */
class OwnAccountChannel extends ApplicationChannel<z.infer<typeof AccountParams>> {
  static override channel = 'OwnAccountChannel';
  static override params = AccountParams;
  override subscribed(): void {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    this.transmit({ account: this.accountId });
  }
}

/** `db` whose aiAgent calls are counted (to prove a refusal happened before any query). */
function countingDb(db: Db): { db: Db; queries: () => number } {
  let n = 0;
  const agent = new Proxy(db.aiAgent, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        n += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const wrapped = new Proxy(db, { get: (target, key) => (key === 'aiAgent' ? agent : Reflect.get(target, key)) });
  return { db: wrapped, queries: () => n };
}

describe('isUuid', () => {
  it('accepts canonical UUIDs in either case and nothing else', () => {
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isUuid('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(true);
    for (const bad of ['', 'not-a-uuid', '0f8fad5bd9cb469fa16570867728950e', ' 0f8fad5b-d9cb-469f-a165-70867728950e', "' OR 1=1 --", 42, null, undefined, {}]) {
      expect([bad, isUuid(bad)]).toEqual([bad, false]);
    }
  });
});

describeProvider('ApplicationChannel guards', (provider) => {
  let t: TestDatabase;
  let counted: ReturnType<typeof countingDb>;
  let server: HarnessServer<AppServices>;
  let log: ReturnType<typeof capturingLogger>;
  const ids = { own: '', foreign: '', ownAgent: '', foreignAgent: '' };

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    ids.own = (await t.db.account.create({ data: { name: 'Own' } })).id;
    ids.foreign = (await t.db.account.create({ data: { name: 'Foreign' } })).id;
    ids.ownAgent = (await t.db.aiAgent.create({ data: { accountId: ids.own, name: 'mine' } })).id;
    ids.foreignAgent = (await t.db.aiAgent.create({ data: { accountId: ids.foreign, name: 'theirs' } })).id;
    counted = countingDb(t.db);
    log = capturingLogger();
    server = appHarness([OwnedAgentChannel, OwnAccountChannel], counted.db, { logger: log.logger }).server;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** Subscribe once; report the outcome, the queries it ran, what it transmitted and the codes it logged at warn/error. */
  async function attempt(identity: Identity, params: Record<string, unknown>) {
    const client = await connectClient(server, identity);
    const queriesBefore = counted.queries();
    const linesBefore = log.lines.length;
    const outcome = await client.subscribe(params);
    const received = client.received(params);
    await client.close();
    const logged = (log.lines.slice(linesBefore) as Array<Record<string, unknown>>).filter((l) => l.level === 'warn' || l.level === 'error');
    return { outcome, queries: counted.queries() - queriesBefore, received, logged: logged.map((l) => `${String(l.level)} ${String(l.code)} ${String(l.reason ?? (l.err as { message?: string } | undefined)?.message ?? '')}`.trim()) };
  }

  it('finds a row of the caller’s account with one query (ids in either case)', async () => {
    const me = testUser(ids.own);
    expect(await attempt(me, { channel: 'OwnedAgentChannel', agent_id: ids.ownAgent })).toEqual({ outcome: 'confirm_subscription', queries: 1, received: [{ agent: ids.ownAgent }], logged: [] });
    const upper = await attempt(me, { channel: 'OwnedAgentChannel', agent_id: ids.ownAgent.toUpperCase() });
    expect(upper).toEqual({ outcome: 'confirm_subscription', queries: 1, received: [{ agent: ids.ownAgent }], logged: [] });
  });

  it('refuses another account’s id and an unknown id through the query (account in the where clause)', async () => {
    const me = testUser(ids.own);
    for (const agentId of [ids.foreignAgent, randomUUID()]) {
      expect(await attempt(me, { channel: 'OwnedAgentChannel', agent_id: agentId })).toEqual({
        outcome: 'reject_subscription', queries: 1, received: [], logged: ['warn CABLE_NOT_FOUND agent not found'],
      });
    }
  });

  it('refuses malformed and missing ids before any query, with no exception escaping', async () => {
    const me = testUser(ids.own);
    const malformed: unknown[] = ['not-a-uuid', "' OR '1'='1", `${ids.ownAgent} `, ids.ownAgent.replace(/-/g, ''), 42, null, { id: ids.ownAgent }, [ids.ownAgent], ''];
    for (const agentId of malformed) {
      const got = await attempt(me, { channel: 'OwnedAgentChannel', agent_id: agentId });
      expect([agentId, got]).toEqual([agentId, { outcome: 'reject_subscription', queries: 0, received: [], logged: ['warn CABLE_NOT_FOUND malformed id'] }]);
    }
    expect(await attempt(me, { channel: 'OwnedAgentChannel' })).toEqual({ outcome: 'reject_subscription', queries: 0, received: [], logged: ['warn CABLE_NOT_FOUND malformed id'] });
  });

  it('refuses a worker on a user channel before any query, even for its own account’s row', async () => {
    const got = await attempt(adminWorker(ids.own), { channel: 'OwnedAgentChannel', agent_id: ids.ownAgent });
    expect(got).toEqual({ outcome: 'reject_subscription', queries: 0, received: [], logged: ['warn CABLE_SUBSCRIPTION_REFUSED'] });
  });

  it('ownsAccount: only the caller’s own account id, exactly', async () => {
    const me = testUser(ids.own);
    expect((await attempt(me, { channel: 'OwnAccountChannel', account_id: ids.own })).received).toEqual([{ account: ids.own }]);
    for (const accountId of [ids.foreign, undefined, null, 42, 'not-a-uuid', [ids.own]]) {
      const params = accountId === undefined ? { channel: 'OwnAccountChannel' } : { channel: 'OwnAccountChannel', account_id: accountId };
      expect([accountId, (await attempt(me, params)).outcome]).toEqual([accountId, 'reject_subscription']);
    }
  });
});
