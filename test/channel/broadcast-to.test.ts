// Rails `SomeChannel.broadcast_to(model, message)` / `broadcasting_for(model)`: the class-level names equal the ones
// `streamFor(model)` subscribes (`<channel_name>:<GlobalID param>`), in the harness and through a real server.

import { z } from 'zod';
import type { UserIdentity } from '../../src/auth/identity';
import { Channel, gidOf, type BroadcastTarget } from '../../src/channel/index';
import { connectClient, createHarnessServer } from '../../src/testing/channel-harness';
import { startTestCable } from '../support/test-cable';
import { openRaw } from '../support/ws-client';

const UserParams = z.looseObject({ user_id: z.string().regex(/^\d{1,10}$/) });

/** Streams for the User model named by `user_id` (Rails `stream_for user`). */
class ModelRoomChannel extends Channel<z.infer<typeof UserParams>> {
  static override channel = 'ModelRoomChannel';
  static override params = UserParams;
  override subscribed(): void {
    this.streamFor(gidOf('User', this.params.user_id));
  }
}

/** A namespaced channel (Rails `Admin::AuditChannel` → `admin:audit`) streaming for an account and a number. */
class AuditChannel extends Channel<{ account_id: string }> {
  static override channel = 'Admin::AuditChannel';
  static override params = z.looseObject({ account_id: z.string().regex(/^[a-z0-9-]{1,36}$/) });
  override subscribed(): void {
    this.streamFor([gidOf('Account', this.params.account_id), 7]);
  }
}

const user = (id: string): UserIdentity => ({
  kind: 'user', userId: id, accountId: 'acct', email: `${id}@example.test`, name: id, roles: [], permissions: new Set(), connectionIdentifier: id,
});

describe('Channel.broadcastingFor', () => {
  it('names the stream <channel_name>:<GlobalID param> as Rails (protocol.md §1.10 example)', () => {
    expect(ModelRoomChannel.broadcastingFor('myapp', gidOf('User', '1'))).toBe('model_room:Z2lkOi8vbXlhcHAvVXNlci8x');
    const account = Buffer.from('gid://server/Account/a1').toString('base64url');
    expect(AuditChannel.broadcastingFor('server', [gidOf('Account', 'a1'), 7])).toBe(`admin:audit:${account}:7`);
  });
});

describe('Channel.broadcastTo', () => {
  it('publishes the message under the broadcastingFor name of the target GlobalID app', async () => {
    const sent: Array<[string, unknown]> = [];
    const target: BroadcastTarget = { gidApp: 'myapp', broadcast: async (stream, message) => void sent.push([stream, message]) };
    await ModelRoomChannel.broadcastTo(target, gidOf('User', '1'), { hello: 'world' });
    expect(sent).toEqual([['model_room:Z2lkOi8vbXlhcHAvVXNlci8x', { hello: 'world' }]]);
  });

  it('reaches exactly the subscriptions that called streamFor(model)', async () => {
    const server = createHarnessServer([ModelRoomChannel, AuditChannel], {}, { gidApp: 'myapp' });
    const one = await connectClient(server, user('1'));
    const two = await connectClient(server, user('2'));
    expect(await one.subscribe({ channel: 'ModelRoomChannel', user_id: '1' })).toBe('confirm_subscription');
    expect(await two.subscribe({ channel: 'ModelRoomChannel', user_id: '2' })).toBe('confirm_subscription');
    expect(await one.subscribe({ channel: 'Admin::AuditChannel', account_id: 'a1' })).toBe('confirm_subscription');
    await ModelRoomChannel.broadcastTo(server, gidOf('User', '1'), { n: 1 });
    await AuditChannel.broadcastTo(server, [gidOf('Account', 'a1'), 7], { n: 2 });
    await AuditChannel.broadcastTo(server, [gidOf('Account', 'a1'), 8], { n: 3 });
    await new Promise((r) => setImmediate(r));
    expect(one.received({ channel: 'ModelRoomChannel', user_id: '1' })).toEqual([{ n: 1 }]);
    expect(one.received({ channel: 'Admin::AuditChannel', account_id: 'a1' })).toEqual([{ n: 2 }]);
    expect(two.received({ channel: 'ModelRoomChannel', user_id: '2' })).toEqual([]);
    await one.close();
    await two.close();
  });
});

describe('broadcastTo through a real server', () => {
  it('delivers ModelRoomChannel.broadcastTo(user, …) and a Rails-named /_broadcast to a client of streamFor(user)', async () => {
    const cable = await startTestCable({ GLOBALID_APP: 'myapp' }, { channels: [ModelRoomChannel] });
    try {
      const target: BroadcastTarget = { gidApp: cable.config.cable.globalIdApp, broadcast: (s, m) => cable.cable.broadcast(s, m) };
      const identifier = JSON.stringify({ channel: 'ModelRoomChannel', user_id: '1' });
      const other = JSON.stringify({ channel: 'ModelRoomChannel', user_id: '2' });
      const c = await openRaw(cable.urlFor(cable.userToken()));
      expect(await c.next()).toEqual({ type: 'welcome' });
      for (const id of [identifier, other]) {
        c.send({ command: 'subscribe', identifier: id });
        expect(await c.next()).toEqual({ identifier: id, type: 'confirm_subscription' });
      }
      await ModelRoomChannel.broadcastTo(target, gidOf('User', '1'), { text: 'from broadcastTo' });
      expect(await c.next()).toEqual({ identifier, message: { text: 'from broadcastTo' } });
      // What Rails' `ModelRoomChannel.broadcast_to(User.find(1), …)` publishes in an app named "myapp".
      const res = await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: 'model_room:Z2lkOi8vbXlhcHAvVXNlci8x', data: '{"text":"from rails"}' }) });
      expect(res.status).toBe(201);
      expect(await c.next()).toEqual({ identifier, message: { text: 'from rails' } });
      await c.none((f) => f.identifier === other, 200);
      c.close();
    } finally {
      await cable.stop();
    }
  });
});
