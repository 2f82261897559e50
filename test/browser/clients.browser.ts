// Real browser clients in headless Chromium against a real cable server: @rails/actioncable's consumer, @anycable/web
// and a raw WebSocket client that behaves like Powernode's WebSocketManager, each bundled into a page served by a
// static server whose origin is in ALLOWED_ORIGINS. Each connects, subscribes and receives a broadcast; each
// recovers after the server restarts on the same port; the manager refreshes its token on `unauthorized`; and the
// same page served from a foreign origin is refused with 403.

import type { Browser, Page } from 'playwright-core';
import { startTestCable, type TestCable } from '../support/test-cable';
import { describeBrowser, launchChromium } from './support/browser';
import { bundlePage, htmlPage, serveStatic, type StaticServer } from './support/pages';

type Kind = 'actioncable' | 'anycable' | 'powernode';
const KINDS: Kind[] = ['actioncable', 'anycable', 'powernode'];
const userOf = (kind: Kind) => `browser-${kind}`;
const roomOf = (kind: Kind) => `room-${kind}`;

interface Harness {
  events: Array<{ type: string; data?: unknown }>;
  start(kind: Kind, options: { url: string; token: string; channel: string; params: Record<string, unknown>; refreshUrl?: string }): void;
  count(type: string): number;
}
declare const harness: Harness;

describeBrowser('browser clients in headless Chromium', () => {
  let browser: Browser;
  let allowed: StaticServer;
  let foreign: StaticServer;
  let cable: TestCable;
  let port = 0;
  const pages: Page[] = [];

  /** A cable that accepts pages from `allowed` only, with the suite's users in its store. */
  async function startCable(): Promise<TestCable> {
    const c = await startTestCable({ ALLOWED_ORIGINS: allowed.origin, PORT: String(port) });
    // Added before any reconnecting client can be authenticated (no I/O runs in between).
    for (const kind of [...KINDS, 'refresh' as Kind]) c.store.addUser({ id: userOf(kind) });
    return c;
  }

  beforeAll(async () => {
    const script = await bundlePage('clients');
    const routes = {
      '/': { type: 'text/html', body: htmlPage('cable clients', '/clients.js') },
      '/clients.js': { type: 'text/javascript', body: script },
      // The refresh endpoint of the Powernode manager: a fresh access token for `?user=`.
      '/token': (url: URL) => ({ type: 'text/plain', body: cable.userToken(url.searchParams.get('user') ?? '') }),
    };
    [allowed, foreign, browser] = await Promise.all([serveStatic(routes), serveStatic(routes), launchChromium()]);
    cable = await startCable();
    port = cable.port;
  });
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
    await browser?.close();
    await cable?.stop();
    await Promise.all([allowed?.close(), foreign?.close()]);
  });

  /** A page from `origin` running client `kind` as `user`, subscribed to ChatChannel `room`. */
  async function openClient(origin: string, kind: Kind, user: string, room: string, token = cable.userToken(user)): Promise<Page> {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(`${origin}/`);
    await page.evaluate(
      ([k, options]) => harness.start(k, options),
      [kind, { url: cable.url, token, channel: 'ChatChannel', params: { room }, refreshUrl: `${origin}/token?user=${user}` }] as const,
    );
    return page;
  }

  /** Wait until the page's client recorded `n` events of `type`; a timeout names every event it did record. */
  async function waitCount(page: Page, type: string, n: number, timeout = 20000): Promise<void> {
    try {
      await page.waitForFunction(([t, count]) => harness.count(t) >= count, [type, n] as const, { timeout, polling: 100 });
    } catch (err) {
      const seen = await page.evaluate(() => JSON.stringify(harness.events)).catch(() => '?');
      throw new Error(`${n} × ${type} not seen within ${timeout} ms; events: ${seen}`, { cause: err });
    }
  }
  const received = (page: Page) => page.evaluate(() => harness.events.filter((e) => e.type === 'received').map((e) => e.data));
  const broadcast = (room: string, message: unknown) => cable.pubsub.broadcast(`chat_${room}`, JSON.stringify(message));

  const clients = new Map<Kind, Page>();

  it('each client connects, subscribes and receives a broadcast', async () => {
    await Promise.all(KINDS.map(async (kind) => clients.set(kind, await openClient(allowed.origin, kind, userOf(kind), roomOf(kind)))));
    await Promise.all(KINDS.map((kind) => waitCount(clients.get(kind) as Page, 'connected', 1)));
    for (const kind of KINDS) await broadcast(roomOf(kind), { hello: kind, n: 1 });
    await Promise.all(KINDS.map((kind) => waitCount(clients.get(kind) as Page, 'received', 1)));
    for (const kind of KINDS) expect(await received(clients.get(kind) as Page)).toEqual([{ hello: kind, n: 1 }]);
    expect(cable.cable.census()).toMatchObject({ user: 3 });
  });

  it('each client recovers after the server restarts on the same port', async () => {
    await cable.stop();
    cable = await startCable();
    expect(cable.port).toBe(port);
    // Each client reconnects and subscribes again by itself (its own backoff), then gets the next broadcast.
    await Promise.all(KINDS.map((kind) => waitCount(clients.get(kind) as Page, 'connected', 2, 30000)));
    for (const kind of KINDS) await broadcast(roomOf(kind), { hello: kind, n: 2 });
    await Promise.all(KINDS.map((kind) => waitCount(clients.get(kind) as Page, 'received', 2)));
    for (const kind of KINDS) expect(await received(clients.get(kind) as Page)).toEqual([{ hello: kind, n: 1 }, { hello: kind, n: 2 }]);
  });

  it("the Powernode manager refreshes its token on `unauthorized` and comes back", async () => {
    const user = userOf('refresh' as Kind);
    // exp is in whole seconds: 4 s leaves 3 to 4 s, time enough to be confirmed first.
    const page = await openClient(allowed.origin, 'powernode', user, 'room-refresh', cable.userToken(user, { expiresInSeconds: 4 }));
    await waitCount(page, 'connected', 1);
    // At expiry the server says `disconnect unauthorized`; the manager fetches a token and reconnects with it.
    await waitCount(page, 'refreshed', 1, 10000);
    await waitCount(page, 'connected', 2, 15000);
    await broadcast('room-refresh', { after: 'refresh' });
    await waitCount(page, 'received', 1);
    const story = await page.evaluate(() => harness.events.filter((e) => e.type !== 'opened').map((e) => (e.type === 'disconnected' ? `${e.type} ${String(e.data)}` : e.type)));
    expect(story).toEqual(['connected', 'disconnected unauthorized', 'refreshed', 'connected', 'received']);
    expect(await received(page)).toEqual([{ after: 'refresh' }]);
  });

  it('refuses a page served from a foreign origin with 403, while the allowed origin works', async () => {
    const refusals: string[] = [];
    const foreignPages = await Promise.all(
      KINDS.map(async (kind) => {
        const page = await browser.newPage();
        pages.push(page);
        // Chromium reports the handshake's answer to DevTools: the status of a refused upgrade is there.
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        cdp.on('Network.webSocketHandshakeResponseReceived', (e) => refusals.push(`${kind} ${e.response.status}`));
        cdp.on('Network.webSocketFrameError', (e) => refusals.push(`${kind} ${e.errorMessage}`));
        await page.goto(`${foreign.origin}/`);
        await page.evaluate(
          ([k, options]) => harness.start(k, options),
          [kind, { url: cable.url, token: cable.userToken(userOf(kind)), channel: 'ChatChannel', params: { room: 'foreign' } }] as const,
        );
        return page;
      }),
    );
    await waitForValue(() => KINDS.every((kind) => refusals.some((r) => r.startsWith(`${kind} `) && /403/.test(r))), 15000);
    for (const page of foreignPages) expect(await page.evaluate(() => harness.count('connected'))).toBe(0);
    // The allowed pages are still connected and served.
    for (const kind of KINDS) await broadcast(roomOf(kind), { hello: kind, n: 3 });
    await Promise.all(KINDS.map((kind) => waitCount(clients.get(kind) as Page, 'received', 3)));
  });
});

async function waitForValue(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
