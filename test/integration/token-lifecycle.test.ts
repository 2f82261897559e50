// Token lifecycle on open sockets (issue: reliable delivery and token lifecycle): expiry closes with
// token_expired; a blacklisted jti, a user-wide revocation, a deactivated user or account and a revoked worker
// close the affected sockets within seconds with the unauthorized frame, and leave the others alone — also for the
// real @anycable/core client, which then stays closed instead of reconnecting.

import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { openRaw, type RawClient } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable({ CABLE_AUTH_RECHECK_MS: '500' });
});
afterAll(async () => {
  await cable.stop();
});

const UNAUTHORIZED = { type: 'disconnect', reason: 'unauthorized', reconnect: false };
const disconnectFrame = (f: Record<string, unknown>) => f.type === 'disconnect';

async function open(token: string): Promise<RawClient> {
  const c = await openRaw(cable.urlFor(token));
  expect(await c.next()).toEqual({ type: 'welcome' });
  return c;
}

describe('open sockets', () => {
  it('closes a socket whose jti is blacklisted, and only that one', async () => {
    const victim = await open(cable.userToken('jti-user', { jti: 'revoke-me' }));
    const bystander = await open(cable.userToken('jti-user', { jti: 'keep-me' }));
    cable.store.revokedJtis.add('revoke-me');
    expect(await victim.next(disconnectFrame, 3000)).toEqual(UNAUTHORIZED);
    await bystander.none(disconnectFrame, 800);
    bystander.close();
  });

  it('closes sockets of a user revoked user-wide after the token was issued', async () => {
    const c = await open(cable.userToken('wide-user'));
    cable.store.userRevocations.set('wide-user', new Date(Date.now() + 1000));
    expect(await c.next(disconnectFrame, 3000)).toEqual(UNAUTHORIZED);
  });

  it('closes sockets of a deactivated user and of a suspended account', async () => {
    const a = await open(cable.userToken('deact-user'));
    const b = await open(cable.userToken('suspended-account-user'));
    cable.store.addUser({ id: 'deact-user', status: 'inactive' });
    cable.store.addUser({ id: 'suspended-account-user', accountStatus: 'suspended' });
    expect(await a.next(disconnectFrame, 3000)).toEqual(UNAUTHORIZED);
    expect(await b.next(disconnectFrame, 3000)).toEqual(UNAUTHORIZED);
  });

  it('closes sockets of a revoked worker', async () => {
    const c = await open(cable.workerToken('revoked-worker'));
    cable.store.addWorker({ id: 'revoked-worker', status: 'revoked' });
    expect(await c.next(disconnectFrame, 3000)).toEqual(UNAUTHORIZED);
  });

  it('keeps healthy sockets open across checks', async () => {
    const c = await open(cable.userToken('healthy-user'));
    await c.none(disconnectFrame, 1500);
    c.close();
  });
});

describe('@anycable/core on a socket whose credential is withdrawn', () => {
  async function connected(token: string, room: string) {
    const client = createCable(cable.url, { websocketImplementation: WebSocket, protocol: 'actioncable-v1-ext-json', auth: { token, param: 'token' }, logLevel: 'error' });
    const channel = client.subscribeTo('ChatChannel', { room });
    await channel.ensureSubscribed();
    const closed = new Promise<unknown>((resolve) => client.once('close', resolve));
    return { client, closed };
  }

  async function staysClosed(client: { state: string }): Promise<void> {
    await new Promise((r) => setTimeout(r, 1200));
    expect(client.state).toBe('closed');
  }

  it('is closed with unauthorized when its jti is blacklisted, and does not reconnect', async () => {
    const { client, closed } = await connected(cable.userToken('core-jti-user', { jti: 'core-revoke' }), 'corejti');
    cable.store.revokedJtis.add('core-revoke');
    expect(await closed).toMatchObject({ reason: 'unauthorized' });
    await staysClosed(client);
  }, 10000);

  it('is closed with unauthorized when its user is deactivated, and does not reconnect', async () => {
    const { client, closed } = await connected(cable.userToken('core-deact-user'), 'coredeact');
    cable.store.addUser({ id: 'core-deact-user', status: 'inactive' });
    expect(await closed).toMatchObject({ reason: 'unauthorized' });
    await staysClosed(client);
  }, 10000);
});
