// PlatformStatusChannel (newer fork): shared and account scopes, and component transitions routed by tenancy.

import {
  ComponentStatusChanged, PlatformStatusAccountStream, PlatformStatusSharedStream, componentStatusJson, type ComponentTransition,
} from '../../../channels/platform/platform-status-channel';
import { broadcaster, type EventTarget } from '../../../src/channel/index';
import { expectSubscribed } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

const shared = { channel: 'PlatformStatusChannel' };
const account = { channel: 'PlatformStatusChannel', account_id: acme.account };

const env = platformSuite();

/** What Rails' sweep runner does: one broadcast per transition, to the account's stream or (account-less) the shared one. */
const publishTransition = (b: EventTarget, t: ComponentTransition) => t.accountId
  ? broadcaster(ComponentStatusChanged, PlatformStatusAccountStream)(b, { account_id: t.accountId }, componentStatusJson(t))
  : broadcaster(ComponentStatusChanged, PlatformStatusSharedStream)(b, {}, componentStatusJson(t));

describe('PlatformStatusChannel', () => {
  it('gives any user the shared stream without account_id', async () => {
    await expectSubscribed(await env.connectUser(acme.viewer), shared, ['platform_status:shared'], [{ type: 'connection_established', scope: 'shared', timestamp: expect.any(String) }]);
  });

  it('gives the own account both streams', async () => {
    await expectSubscribed(await env.connectUser(acme.viewer), account, [`platform_status:${acme.account}`, 'platform_status:shared'], [{ type: 'connection_established', scope: 'account', timestamp: expect.any(String) }]);
  });

  it('rejects a foreign account, a malformed id, a non-string id and a worker', async () => {
    await env.refusesUser(acme.owner, { ...shared, account_id: globex.account }, { ...shared, account_id: 'bad' }, { ...shared, account_id: 7 });
    await env.refusesWorker(shared);
  });

  it('routes a transition by tenancy: account transitions to the account, shared ones to everyone', async () => {
    const mine = await env.subscribedUser(acme.viewer, account);
    const otherParams = { channel: 'PlatformStatusChannel', account_id: globex.account };
    const other = await env.subscribedUser(globex.viewer, otherParams);
    const at = new Date('2026-03-02T10:00:00.123Z');
    await publishTransition(env.broadcaster, { accountId: acme.account, componentKind: 'ai_provider', componentRef: 'openai', from: 'up', to: 'down', eventIds: ['e1'], occurredAt: at });
    await Promise.all([mine.idle(), other.idle()]);
    const expected = { type: 'component_status_changed', component_kind: 'ai_provider', component_ref: 'openai', from_verdict: 'up', to_verdict: 'down', shared: false, event_ids: ['e1'], occurred_at: '2026-03-02T10:00:00Z' };
    expect(mine.last(account)).toEqual(expected);
    expect(other.received(otherParams)).toHaveLength(1);
    await publishTransition(env.broadcaster, { accountId: null, componentKind: 'core', componentRef: 'redis', from: null, to: 'degraded', eventIds: [], occurredAt: at });
    await env.server.broadcast(`platform_status:${globex.account}`, { type: 'x' });
    await env.server.broadcast('platform_status:shared', { type: 'y' });
    await Promise.all([mine.idle(), other.idle()]);
    expect(mine.last(account)).toEqual({ type: 'y' });
    expect(mine.received(account).slice(-2)[0]).toMatchObject({ shared: true, component_ref: 'redis' });
    expect(other.received(otherParams).slice(1)).toEqual([expect.objectContaining({ shared: true }), { type: 'x' }, { type: 'y' }]);
  });
});
