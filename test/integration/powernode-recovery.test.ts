// Powernode's real clients recover by themselves (issue 16): token expiry per client kind (CABLE_TOKEN_EXPIRY), worker
// sockets that outlive their token, close codes that say "come back" after a restart or a remote disconnect, and the
// DevOps hook's pong answers logged nowhere. The clients are the doubles in test/support/powernode-clients.ts, which
// mirror WebSocketManager / useWebSocket / useDevopsWebSocket / ActionCableClient line by line, plus the real
// @rails/actioncable and @anycable/core.

import WebSocket from 'ws';
import { z } from 'zod';
import { createCable } from '@anycable/core';
import { ApplicationChannel } from '../../channels/application-channel';
import { signToken } from '../../src/auth/jwt';
import { capturingLogger } from '../support/logger';
import { freePort } from '../support/services';
import { sleep, waitFor } from '../support/wait';
import { railsCable, railsSubscribe } from '../support/clients';
import { devopsSocket, PowernodeManager, RubyActionCableClient, channelKey } from '../support/powernode-clients';
import { startTestCable, type TestCable } from '../support/test-cable';
import { ChatChannel } from '../support/test-channels';
import { openRaw } from '../support/ws-client';

/** A worker RPC channel answering `{request_id, success, data}` like WorkerDataChannel does. */
class EchoRpcChannel extends ApplicationChannel {
  static override channel = 'EchoRpcChannel';
  static override accepts = 'worker' as const;
  static override actions = { echo: z.looseObject({ request_id: z.string() }) };
  echo(data: { request_id: string }): void {
    this.transmit({ request_id: data.request_id, success: true, data: { pong: true } });
  }
}

/** Devops hook's channel stand-in (the test cable has no database): any `{account_id}` is accepted. */
class DevopsPipelineChannel extends ApplicationChannel {
  static override channel = 'DevopsPipelineChannel';
  static override accepts = 'any' as const;
  override subscribed(): void {
    this.streamFrom(`devops_account_${String(this.rawParams.account_id)}`);
  }
}

const CHANNELS = [ChatChannel, EchoRpcChannel, DevopsPipelineChannel];
const servers: TestCable[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(env: Record<string, string> = {}, logger = capturingLogger().logger): Promise<TestCable> {
  const cable = await startTestCable(env, { channels: CHANNELS, logger });
  servers.push(cable);
  return cable;
}

const room = (name: string) => ({ room: name });

describe('token expiry (CABLE_TOKEN_EXPIRY=refresh, the default)', () => {
  it('WebSocketManager: unauthorized at expiry → refreshAccessToken → reconnect after 1 s → resubscribed, delivering again', async () => {
    const cable = await serve();
    const manager = new PowernodeManager(cable.url, cable.userToken('ui-user', { expiresInSeconds: 2 }), async () => cable.userToken('ui-user', { expiresInSeconds: 900 }));
    manager.subscribe('ChatChannel', room('ui'));
    manager.connect();
    await waitFor(() => manager.received.some((f) => f.type === 'confirm_subscription'), 5000, 'the first confirmation');
    await waitFor(() => manager.refreshes === 1, 6000, 'the token refresh');
    expect(manager.received).toContainEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    await waitFor(() => manager.received.filter((f) => f.type === 'confirm_subscription').length === 2, 5000, 'the resubscription');
    await cable.cable.broadcast('chat_ui', { after: 'refresh' });
    await waitFor(() => (manager.delivered.get(channelKey('ChatChannel', room('ui'))) ?? []).length === 1, 3000, 'a delivery');
    expect(manager.gaveUp).toBe(false);
    manager.stop();
  }, 20_000);

  it('@rails/actioncable with a URL function: token_expired with reconnect, then a fresh URL and a working subscription', async () => {
    const cable = await serve();
    const ActionCable = railsCable();
    let urls = 0;
    const consumer = ActionCable.createConsumer(() => cable.urlFor(cable.userToken('rails-user', { expiresInSeconds: (urls += 1) === 1 ? 2 : 900 })));
    const seen: Array<Record<string, unknown>> = [];
    const original = consumer.connection.events.message;
    consumer.connection.events.message = function (this: unknown, event: { data: string }) {
      seen.push(JSON.parse(event.data) as Record<string, unknown>);
      return original.call(this, event);
    };
    let connects = 0;
    try {
      const sub = railsSubscribe(consumer, { channel: 'ChatChannel', room: 'rails' }, { connected: () => (connects += 1) });
      expect(await sub.state).toBe('connected');
      // ConnectionMonitor reopens a closed connection on its next poll once the disconnect is older than its 6 s stale threshold.
      await waitFor(() => connects === 2, 30_000, 'the reconnection with a fresh URL');
      expect(seen).toContainEqual({ type: 'disconnect', reason: 'token_expired', reconnect: true });
      await cable.cable.broadcast('chat_rails', { fresh: true });
      expect(await sub.next()).toEqual({ fresh: true });
    } finally {
      consumer.disconnect();
    }
  }, 45_000);

  it('@anycable/core (extended protocol): token_expired, tokenRefresher once, reconnected', async () => {
    const cable = await serve();
    let refreshed = 0;
    const client = createCable(cable.url, {
      websocketImplementation: WebSocket,
      protocol: 'actioncable-v1-ext-json',
      auth: { token: cable.userToken('ext-user', { expiresInSeconds: 2 }), param: 'token' },
      logLevel: 'error',
      tokenRefresher: async (transport: { setParam(k: string, v: string): void }) => {
        refreshed += 1;
        transport.setParam('token', cable.userToken('ext-user', { expiresInSeconds: 900 }));
      },
    } as never);
    const channel = client.subscribeTo('ChatChannel', room('ext'));
    await channel.ensureSubscribed();
    const closed = new Promise((resolve) => client.on('close', (ev: unknown) => resolve(ev)));
    expect(await closed).toMatchObject({ reason: 'token_expired' });
    await waitFor(() => client.state === 'connected', 8000, 'the reconnection');
    expect(refreshed).toBe(1);
    client.disconnect();
  }, 15_000);

  it('answers an expired token at connect per client kind: unauthorized without a sub-protocol, token_expired with one', async () => {
    const cable = await serve();
    const expired = signToken(cable.config.jwt, { type: 'access', sub: 'late-user', expiresInSeconds: -5 });
    cable.userToken('late-user');
    const plain = await openRaw(cable.urlFor(expired));
    expect(await plain.next(() => true)).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    for (const protocol of ['actioncable-v1-json', 'actioncable-v1-ext-json']) {
      const c = await openRaw(cable.urlFor(expired), { protocols: [protocol] });
      expect(await c.next(() => true)).toEqual({ type: 'disconnect', reason: 'token_expired', reconnect: false });
      expect((await c.closed).code).toBe(1000);
    }
  });

  it('closes per client kind with the matching code: 1000 final, 4000 come back', async () => {
    const cable = await serve();
    const expect_ = async (protocols: string[], frame: Record<string, unknown>, code: number) => {
      const c = await openRaw(cable.urlFor(cable.userToken(`kind-${protocols.join('-') || 'none'}`, { expiresInSeconds: 1 })), { protocols });
      expect(await c.next((f) => f.type === 'disconnect', 4000)).toEqual(frame);
      expect((await c.closed).code).toBe(code);
    };
    await Promise.all([
      expect_([], { type: 'disconnect', reason: 'unauthorized', reconnect: false }, 1000),
      expect_(['actioncable-v1-json'], { type: 'disconnect', reason: 'token_expired', reconnect: true }, 4000),
      expect_(['actioncable-v1-ext-json'], { type: 'disconnect', reason: 'token_expired', reconnect: false }, 1000),
    ]);
  });
});

describe('token expiry, other policies', () => {
  it('close: token_expired, final, to every client kind', async () => {
    const cable = await serve({ CABLE_TOKEN_EXPIRY: 'close' });
    for (const protocols of [[], ['actioncable-v1-json']]) {
      const c = await openRaw(cable.urlFor(cable.userToken(`close-${protocols.length}`, { expiresInSeconds: 1 })), { protocols });
      expect(await c.next((f) => f.type === 'disconnect', 4000)).toEqual({ type: 'disconnect', reason: 'token_expired', reconnect: false });
    }
  });

  it('never (Rails): the socket outlives its token and the revocation re-check still closes it', async () => {
    const cable = await serve({ CABLE_TOKEN_EXPIRY: 'never', CABLE_AUTH_RECHECK_MS: '500' });
    const token = cable.userToken('never-user', { expiresInSeconds: 1, jti: 'never-jti' });
    const c = await openRaw(cable.urlFor(token));
    await c.next((f) => f.type === 'welcome');
    c.send({ command: 'subscribe', identifier: JSON.stringify({ channel: 'ChatChannel', room: 'never' }) });
    await c.next((f) => f.type === 'confirm_subscription');
    await sleep(2000);
    await cable.cable.broadcast('chat_never', { still: 'open' });
    expect((await c.next()).message).toEqual({ still: 'open' });
    cable.store.revokedJtis.add('never-jti');
    expect(await c.next((f) => f.type === 'disconnect', 3000)).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
  }, 10_000);
});

describe('worker sockets', () => {
  /** What WorkerJwt mints: type worker, sub, HS256, no jti; here with a 2 s lifetime instead of 300 s. */
  const workerJwt = (cable: TestCable, id: string, seconds: number) => {
    if (!cable.store.workers.has(id)) cable.store.addWorker({ id });
    return signToken(cable.config.jwt, { type: 'worker', sub: id, expiresInSeconds: seconds, jti: null });
  };

  it('outlive their token while the worker stays active: send_request keeps working; revocation closes within one re-check', async () => {
    const cable = await serve({ CABLE_AUTH_RECHECK_MS: '500' });
    const client = await new RubyActionCableClient(cable.url, workerJwt(cable, 'trainer', 2), 'EchoRpcChannel').connect();
    expect(await client.sendRequest('echo')).toMatchObject({ success: true, data: { pong: true } });
    await sleep(3000);
    expect(client.connected).toBe(true);
    expect(await client.sendRequest('echo')).toMatchObject({ success: true, data: { pong: true } });
    (cable.store.workers.get('trainer') as { status: string }).status = 'revoked';
    await waitFor(() => !client.connected, 3000, 'the disconnect frame after revocation');
    await expect(client.sendRequest('echo')).rejects.toThrow('Not connected');
  }, 15_000);
});

describe('restart and remote disconnect', () => {
  it('server_restart closes with 1001: WebSocketManager reconnects to the restarted server and resubscribes', async () => {
    const port = await freePort();
    const first = await serve({ PORT: String(port) });
    const manager = new PowernodeManager(first.url, first.userToken('restart-user'), async () => first.userToken('restart-user'));
    manager.subscribe('ChatChannel', room('restart'));
    manager.connect();
    await waitFor(() => manager.received.some((f) => f.type === 'confirm_subscription'), 5000, 'the confirmation');
    await first.stop();
    servers.splice(servers.indexOf(first), 1);
    expect(manager.received).toContainEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    expect(manager.closes).toEqual([1001]);
    const second = await serve({ PORT: String(port) });
    second.userToken('restart-user');
    await waitFor(() => manager.received.filter((f) => f.type === 'confirm_subscription').length === 2, 8000, 'the resubscription on the new server');
    await second.cable.broadcast('chat_restart', { back: true });
    await waitFor(() => (manager.delivered.get(channelKey('ChatChannel', room('restart'))) ?? []).length === 1, 3000, 'a delivery');
    manager.stop();
  }, 20_000);

  it('/_disconnect with reconnect:true closes with 4000 and the manager comes back; reconnect:false (1000) keeps it away', async () => {
    const cable = await serve();
    const manager = new PowernodeManager(cable.url, cable.userToken('remote-ui'), async () => cable.userToken('remote-ui'));
    manager.subscribe('ChatChannel', room('remote'));
    manager.connect();
    await waitFor(() => manager.isConnected && manager.received.some((f) => f.type === 'confirm_subscription'), 5000, 'the confirmation');
    await fetch(`${cable.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'remote-ui', reconnect: true }) });
    await waitFor(() => manager.closes.length === 1, 3000, 'the close');
    expect(manager.closes).toEqual([4000]);
    await waitFor(() => manager.received.filter((f) => f.type === 'confirm_subscription').length === 2, 8000, 'the reconnection');
    await fetch(`${cable.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'remote-ui', reconnect: false }) });
    await waitFor(() => manager.closes.length === 2, 3000, 'the second close');
    expect(manager.closes[1]).toBe(1000);
    await sleep(3500);
    expect(manager.isConnected).toBe(false);
    manager.stop();
  }, 25_000);
});

describe('useDevopsWebSocket keepalives', () => {
  it('answers every server ping with {"type":"pong"} and pings itself; nothing is logged and deliveries continue', async () => {
    const log = capturingLogger();
    const cable = await serve({ CABLE_PING_INTERVAL_MS: '100' }, log.logger);
    const socket = await devopsSocket(cable.urlFor(cable.userToken('devops-ui')), 'acct-1', 150);
    await sleep(1200);
    await cable.cable.broadcast('devops_account_acct-1', { type: 'pipeline.updated' });
    await waitFor(() => socket.messages.length === 1, 2000, 'the pipeline event');
    socket.close();
    const problems = (log.lines as Array<Record<string, unknown>>).filter((l) => l.level === 'warn' || l.level === 'error');
    expect(problems).toEqual([]);
  });
});
