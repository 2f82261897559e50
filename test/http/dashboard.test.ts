// GET/POST /dashboard and OperatorChannel through a real server: who may open the page (a system.admin user's token
// or CABLE_OPERATOR_KEY; 401 without or with a wrong credential, 403 for other users and workers), the operator key
// never reaching the page (an operator ticket does, and it opens OperatorChannel only), who may subscribe the
// operator feed, the figures it sends (the same counters /metrics exports), its disconnect, and CABLE_DASHBOARD.

import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config';
import { OperatorChannel } from '../../channels/platform/operator-channel';
import type { AppServices } from '../../channels/support/services';
import { ChatChannel, RejectChannel } from '../support/test-channels';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw, type RawClient } from '../support/ws-client';
import { waitFor } from '../support/wait';

const OPERATOR_KEY = 'operator-key-0123456789abcdef';
const ROOT = path.resolve(__dirname, '../..');
const OPERATOR = JSON.stringify({ channel: 'OperatorChannel' });
const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

describe('/dashboard and OperatorChannel', () => {
  let cable: TestCable;
  const services: Partial<AppServices> = {};
  const clients: RawClient[] = [];

  beforeAll(async () => {
    // The page inlines the bundle the build writes; build it when this checkout has not yet.
    if (!fs.existsSync(path.join(ROOT, 'dist/dashboard/app.js'))) {
      const { buildDashboard } = (await import(path.join(ROOT, 'scripts/build-dashboard.mjs'))) as { buildDashboard(): Promise<unknown> };
      await buildDashboard();
    }
    cable = await startTestCable({ CABLE_OPERATOR_KEY: OPERATOR_KEY }, { channels: [OperatorChannel, ChatChannel, RejectChannel], services });
    services.operator = cable.operator;
    cable.store.addUser({ id: 'admin-1', accountId: 'acct-ops', permissions: ['system.admin'] });
    cable.store.addUser({ id: 'member-1', accountId: 'acct-a', permissions: ['account.manage'] });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await cable.stop();
  });

  const page = (init: { token?: string; bearer?: string; form?: string } = {}) =>
    fetch(`${cable.httpUrl}/dashboard${init.token ? `?token=${encodeURIComponent(init.token)}` : ''}`, {
      method: init.form === undefined ? 'GET' : 'POST',
      headers: { ...(init.bearer ? { Authorization: `Bearer ${init.bearer}` } : {}), ...(init.form !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.form,
    });
  const configOf = (html: string) => JSON.parse(/<script type="application\/json" id="cable-config">(.*?)<\/script>/.exec(html)?.[1] ?? '{}') as { token: string; cablePath: string; who: string };
  const open = async (token: string) => {
    const c = await openRaw(cable.urlFor(token));
    clients.push(c);
    await c.next((f) => f.type === 'welcome');
    return c;
  };
  const subscribe = async (c: RawClient, identifier: string) => {
    c.send({ command: 'subscribe', identifier });
    return (await c.next((f) => f.identifier === identifier && (f.type === 'confirm_subscription' || f.type === 'reject_subscription'))).type;
  };

  it('answers 401 with a sign-in form and no figures without a credential', async () => {
    const res = await page();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/dashboard">');
    expect(html).not.toContain('cable-config');
  });

  it('answers 401 to a wrong key, a forged token and an operator ticket', async () => {
    expect((await page({ bearer: 'not-the-operator-key-at-all' })).status).toBe(401);
    expect((await page({ token: `${cable.userToken('admin-1').slice(0, -4)}AAAA` })).status).toBe(401);
    const ticket = configOf(await (await page({ bearer: OPERATOR_KEY })).text()).token;
    expect((await page({ token: ticket })).status).toBe(401);
  });

  it('answers 403 to a user without system.admin and to a worker', async () => {
    const member = await page({ token: cable.userToken('member-1') });
    expect(member.status).toBe(403);
    expect(await member.text()).toContain('system.admin required');
    expect((await page({ bearer: cable.workerToken('worker-9') })).status).toBe(403);
  });

  it('serves the page to a system.admin user (query, header or form), with the script inlined under a nonce', async () => {
    const token = cable.userToken('admin-1');
    for (const res of [await page({ token }), await page({ bearer: token }), await page({ form: `token=${encodeURIComponent(token)}` })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; connect-src 'self'/);
      const html = await res.text();
      expect(configOf(html)).toEqual({ cablePath: '/cable', token, who: 'user:admin-1' });
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched from anywhere
      expect(html).toContain('OperatorChannel');
    }
  });

  it('gives an operator-key page a ticket, never the key; the ticket opens OperatorChannel and nothing else', async () => {
    const res = await page({ bearer: OPERATOR_KEY });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain(OPERATOR_KEY);
    const { token, who } = configOf(html);
    expect(who).toBe('operator key');
    expect(token).toMatch(/^operator\.\d+\.[\w-]+\.[\w-]+$/);
    const c = await open(token);
    expect(await subscribe(c, OPERATOR)).toBe('confirm_subscription');
    expect(await subscribe(c, chat('ops'))).toBe('reject_subscription');
    // A ticket whose signature is altered is refused at connect.
    const forged = await openRaw(cable.urlFor(`${token.slice(0, -2)}xx`));
    clients.push(forged);
    expect((await forged.next((f) => f.type === 'disconnect')).reason).toBe('unauthorized');
  });

  it('refuses OperatorChannel to users without system.admin and to workers', async () => {
    expect(await subscribe(await open(cable.userToken('member-1')), OPERATOR)).toBe('reject_subscription');
    expect(await subscribe(await open(cable.workerToken('worker-ops')), OPERATOR)).toBe('reject_subscription');
  });

  it('sends the figures at once and again every interval, from the counters /metrics exports', async () => {
    const member = await open(cable.userToken('member-1'));
    await subscribe(member, chat('lobby'));
    await subscribe(member, JSON.stringify({ channel: 'RejectChannel' }));
    await open(cable.workerToken('worker-ops'));
    await cable.pubsub.broadcast('chat_lobby', JSON.stringify({ n: 1 }));
    await member.next((f) => f.identifier === chat('lobby') && f.message !== undefined);
    const admin = await open(cable.userToken('admin-1'));
    expect(await subscribe(admin, OPERATOR)).toBe('confirm_subscription');
    const first = (await admin.next((f) => f.identifier === OPERATOR && (f.message as { type?: string })?.type === 'snapshot')).message as { snapshot: Record<string, any> };
    const s = first.snapshot;
    expect(s.connections).toEqual({ user: 2, worker: 1, pending: 0 });
    expect(s.byAccount).toEqual(expect.arrayContaining([{ accountId: 'acct-a', user: 1, worker: 0 }, { accountId: 'acct-ops', user: 1, worker: 0 }, { accountId: 'acct-1', user: 0, worker: 1 }]));
    expect(s.byIdentity).toEqual(expect.arrayContaining([{ kind: 'user', id: 'member-1', name: 'member-1', accountId: 'acct-a', sockets: 1 }]));
    expect(s.subscriptions).toMatchObject({ ChatChannel: 1, OperatorChannel: 1 });
    expect(s.busiestStreams[0]).toEqual({ stream: 'chat_lobby', subscribers: 1, broadcasts: 1 });
    expect(s.recentRejections[0]).toMatchObject({ channel: 'RejectChannel', who: 'user:member-1' });
    expect(s.pubsubHealthy).toBe(true);
    expect(s.database).toBeNull(); // this server has no database to check
    // The same numbers as the Prometheus text.
    const metrics = await (await fetch(`${cable.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`cable_deliveries_total ${s.deliveries}`);
    expect(metrics).toContain('cable_connections{kind="worker"} 1');
    expect(metrics).toContain(`cable_rejected_subscriptions_total{channel="RejectChannel"} ${s.rejectedSubscriptions.RejectChannel}`);
    // Then periodically, with a chart point per interval.
    const later = (await admin.next((f) => f.identifier === OPERATOR && (f.message as { type?: string })?.type === 'snapshot', 5000)).message as { snapshot: Record<string, any> };
    expect(later.snapshot.series.length).toBeGreaterThan(0);
    const point = later.snapshot.series.at(-1);
    expect(point).toEqual({ t: expect.any(Number), deliveriesPerSecond: expect.any(Number), broadcastsPerSecond: expect.any(Number), fanoutP95Ms: point.fanoutP95Ms === null ? null : expect.any(Number) });
  });

  it('disconnects a user on request, through the internal stream POST /_disconnect publishes to', async () => {
    const target = await open(cable.userToken('member-1'));
    const admin = await open(cable.userToken('admin-1'));
    await subscribe(admin, OPERATOR);
    admin.send({ command: 'message', identifier: OPERATOR, data: JSON.stringify({ action: 'disconnect', user_id: 'member-1', reconnect: false }) });
    expect(await target.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
    const answer = await admin.next((f) => (f.message as { type?: string })?.type === 'disconnect_requested');
    expect(answer.message).toEqual({ type: 'disconnect_requested', kind: 'user', id: 'member-1', stream: `action_cable/${Buffer.from('gid://server/User/member-1').toString('base64url')}` });
    await target.closed;
    await waitFor(() => cable.cable.census().user === 1, 3000, 'the target closed');
  });
});

describe('CABLE_DASHBOARD', () => {
  const cables: TestCable[] = [];
  afterAll(async () => {
    await Promise.all(cables.map((c) => c.stop()));
  });
  async function start(mode: string): Promise<TestCable> {
    const services: Partial<AppServices> = {};
    const cable = await startTestCable({ CABLE_DASHBOARD: mode, CABLE_OPERATOR_KEY: OPERATOR_KEY }, { channels: [OperatorChannel], services });
    if (mode !== 'off') services.operator = cable.operator;
    cable.store.addUser({ id: 'admin-1', permissions: ['system.admin'] });
    cables.push(cable);
    return cable;
  }

  it('key: the operator key only — a system.admin token gets 401 and cannot subscribe OperatorChannel', async () => {
    const cable = await start('key');
    const get = (headers: Record<string, string>) => fetch(`${cable.httpUrl}/dashboard`, { headers });
    expect((await get({ Authorization: `Bearer ${cable.userToken('admin-1')}` })).status).toBe(401);
    expect((await get({ Authorization: `Bearer ${OPERATOR_KEY}` })).status).toBe(200);
    const admin = await openRaw(cable.urlFor(cable.userToken('admin-1')));
    await admin.next((f) => f.type === 'welcome');
    admin.send({ command: 'subscribe', identifier: OPERATOR });
    expect((await admin.next((f) => f.identifier === OPERATOR)).type).toBe('reject_subscription');
    admin.close();
  });

  it('off: no page at all (404)', async () => {
    const cable = await start('off');
    expect((await fetch(`${cable.httpUrl}/dashboard?token=${encodeURIComponent(OPERATOR_KEY)}`)).status).toBe(404);
  });

  it('key without CABLE_OPERATOR_KEY is a configuration error', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', CABLE_DASHBOARD: 'key' })).toThrow(/CABLE_OPERATOR_KEY/);
  });
});
