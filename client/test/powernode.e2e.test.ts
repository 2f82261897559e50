// The typed client against Powernode's real server (startServer on a migrated, seeded SQLite database) with the
// default ChannelMap: SystemChannel (a catalogued channel) over both transports — the transmitted
// connection_established, a broadcast of a catalog event through its derived publisher, an action and its typed
// reply — and another account's channel rejected.

import WebSocket from 'ws';
import { broadcaster } from '../../src/channel/index';
import { signToken } from '../../src/auth/jwt';
import { seedId } from '../../src/db/seed';
import { StatsUpdated } from '../../channels/platform/system-events';
import { startE2EServer, type E2EServer } from '../../test/support/e2e-server';
import { createTypedCable, SubscriptionRejectedError, type ChannelMap, type EventOf, type TransportName, type TypedSubscription } from '../src/index';

type SystemEvent = EventOf<ChannelMap, 'SystemChannel'>;

const acme = { account: seedId('acme:account'), owner: seedId('acme:user:owner') };
const globexAccount = seedId('globex:account');

let server: E2EServer;
const opened: Array<{ disconnect(): void }> = [];
beforeAll(async () => {
  server = await startE2EServer('typed-client', { DATABASE_SEED: '1' });
});
afterEach(() => opened.splice(0).forEach((c) => c.disconnect()));
afterAll(() => server.stop());

function typedCable(transport: TransportName) {
  const token = signToken(server.running.config.jwt, { type: 'access', sub: acme.owner, expiresInSeconds: 900 });
  const cable = createTypedCable({ url: server.running.url, token, transport, websocket: WebSocket });
  opened.push(cable);
  return cable;
}

/** Collects a subscription's messages from the start (the transmit on subscribe comes before the confirmation). */
function inbox<C extends keyof ChannelMap & string>(sub: TypedSubscription<ChannelMap, C>) {
  const seen: Array<EventOf<ChannelMap, C>> = [];
  const waiters: Array<() => void> = [];
  sub.on('message', (m) => (seen.push(m), waiters.splice(0).forEach((w) => w())));
  return async function next<T extends EventOf<ChannelMap, C>>(pred: (m: EventOf<ChannelMap, C>) => m is T, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = seen.findIndex(pred);
      if (i >= 0) return seen.splice(i, 1)[0] as T;
      if (Date.now() > deadline) throw new Error(`timeout; inbox ${JSON.stringify(seen)}`);
      await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 50)));
    }
  };
}

const ofType = <N extends SystemEvent['type']>(type: N) => (m: SystemEvent): m is Extract<SystemEvent, { type: N }> => m.type === type;

describe.each(['actioncable', 'anycable'] as const)('SystemChannel through the typed client over %s', (transport) => {
  it('receives the transmit, a catalog broadcast and an action\'s typed reply', async () => {
    const cable = typedCable(transport);
    const system = cable.subscribe('SystemChannel', { account_id: acme.account });
    const next = inbox(system);
    await system.ensureSubscribed();

    const hello = await next(ofType('connection_established'));
    expect(hello.account_id).toBe(acme.account);

    await broadcaster(StatsUpdated)(server.running.services.broadcaster, { account_id: acme.account }, { timestamp: '2026-01-01T00:00:00Z' });
    expect(await next(ofType('stats_updated'))).toEqual({ type: 'stats_updated', timestamp: '2026-01-01T00:00:00Z' });

    await system.perform('refresh_stats');
    const stats = await next(ofType('system_stats'));
    expect(stats.stats.operations).toMatchObject({ total: 1, completed: 1 });

    await system.perform('get_operation', { operation_id: seedId('acme:system-operation') });
    const status = await next(ofType('operation_status'));
    expect(status.operation.command).toBe('cache_clear');
  });

  it('rejects another account\'s SystemChannel with SubscriptionRejectedError', async () => {
    const cable = typedCable(transport);
    const foreign = cable.subscribe('SystemChannel', { account_id: globexAccount });
    await expect(foreign.ensureSubscribed()).rejects.toBeInstanceOf(SubscriptionRejectedError);
    expect(foreign.state).toBe('rejected');
  });
});
