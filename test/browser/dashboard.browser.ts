// The operator dashboard in headless Chromium against the full server (database, channels, OperatorChannel): it
// loads for a system.admin user (and, through the sign-in form, for the operator key) and for nobody else, it fetches
// nothing but its own page and the cable, its figures move as clients connect and broadcasts flow, and its
// disconnect button closes the target's sockets. Writes test-results/dashboard.png on every run (and
// docs/dashboard.png, the README's picture, with UPDATE_DASHBOARD_SCREENSHOT=1).

import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signToken } from '../../src/auth/jwt';
import { startE2EServer, type E2EServer } from '../support/e2e-server';
import { openRaw, type RawClient } from '../support/ws-client';
import { describeBrowser, launchChromium } from './support/browser';

const ROOT = path.resolve(__dirname, '../..');
const OPERATOR_KEY = 'browser-operator-key-0123456789';

describeBrowser('operator dashboard in headless Chromium', () => {
  let browser: Browser;
  let server: E2EServer;
  let http = '';
  let adminToken = '';
  let memberToken = '';
  let memberId = '';
  let workerToken = '';
  let accountId = '';
  const sockets: RawClient[] = [];
  /** The dashboard page of the running test: photographed if the test fails before its own screenshot. */
  let open: Page | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/dashboard/app.js'))) {
      const { buildDashboard } = (await import(path.join(ROOT, 'scripts/build-dashboard.mjs'))) as { buildDashboard(): Promise<unknown> };
      await buildDashboard();
    }
    [server, browser] = await Promise.all([startE2EServer('dashboard', { CABLE_OPERATOR_KEY: OPERATOR_KEY }), launchChromium()]);
    http = `http://127.0.0.1:${server.running.port}`;
    const db = server.running.db;
    const ops = await db.account.create({ data: { name: 'Operations' } });
    const acme = await db.account.create({ data: { name: 'Acme' } });
    accountId = acme.id;
    const admin = await db.user.create({ data: { accountId: ops.id, email: 'ops@example.com', name: 'Olga Ops' } });
    const member = await db.user.create({ data: { accountId: acme.id, email: 'member@example.com', name: 'Max Member' } });
    memberId = member.id;
    const worker = await db.worker.create({ data: { accountId: acme.id, name: 'build worker' } });
    adminToken = await server.grantToken(admin.id, ['system.admin']);
    memberToken = await server.grantToken(member.id, []);
    workerToken = signToken(server.running.config.jwt, { type: 'worker', sub: worker.id, expiresInSeconds: 600 });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    if (open && !open.isClosed()) {
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      await open.screenshot({ path: path.join(ROOT, 'test-results', 'dashboard-failed.png'), fullPage: true }).catch(() => undefined);
      await open.close();
    }
    open = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A raw client of the cable (welcomed), closed after the test. */
  async function connect(token: string): Promise<RawClient> {
    const c = await openRaw(server.urlFor(token));
    sockets.push(c);
    await c.next((f) => f.type === 'welcome');
    return c;
  }
  const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"]`).first().innerText();
  /** Wait until figure `key` passes `check` (read from the test: the page's CSP forbids evaluating a predicate there). */
  async function waitFigure(page: Page, key: string, check: (text: string) => boolean, timeout = 15000): Promise<void> {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      text = await page.locator(`[data-figure="${key}"]`).first().innerText({ timeout: 1000 }).catch(() => '');
      if (check(text)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`figure ${key} is still ${JSON.stringify(text)}`);
  }

  it('answers 401 without a credential and 403 to a user without system.admin', async () => {
    const page = await browser.newPage();
    expect((await page.goto(`${http}/dashboard`))?.status()).toBe(401);
    await expect(page.locator('form input[name="token"]').count()).resolves.toBe(1);
    expect((await page.goto(`${http}/dashboard?token=${encodeURIComponent(memberToken)}`))?.status()).toBe(403);
    expect(await page.locator('body').innerText()).toContain('system.admin required');
    await page.close();
  });

  it('shows live figures that move with clients and broadcasts, fetches nothing else, and disconnects a user', async () => {
    const page = (open = await browser.newPage({ viewport: { width: 1360, height: 1000 } }));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    expect((await page.goto(`${http}/dashboard?token=${encodeURIComponent(adminToken)}`))?.status()).toBe(200);
    await page.waitForSelector('[data-status="live"]', { timeout: 15000 });
    // The token left the address bar once the page had it.
    expect(new URL(page.url()).search).toBe('');
    await waitFigure(page, 'user', (t) => t === '1'); // the dashboard itself
    await waitFigure(page, 'database', (t) => t === 'up');
    await waitFigure(page, 'pubsub', (t) => t === 'up');

    // Two sockets of a member (subscribed to their notifications) and a worker connect.
    const identifier = JSON.stringify({ channel: 'NotificationChannel', account_id: accountId });
    const members = [await connect(memberToken), await connect(memberToken)];
    for (const m of members) {
      m.send({ command: 'subscribe', identifier });
      await m.next((f) => f.type === 'confirm_subscription');
    }
    await connect(workerToken);
    await waitFigure(page, 'user', (t) => t === '3');
    await waitFigure(page, 'worker', (t) => t === '1');
    await page.locator(`[data-table="accounts"] code[title="${accountId}"]`).waitFor({ timeout: 10000 });
    await page.locator('[data-table="subscriptions"]', { hasText: 'NotificationChannel' }).waitFor({ timeout: 10000 });

    // Broadcasts flow for a few seconds: deliveries, the chart and the busiest streams move.
    const before = Number((await figure(page, 'deliveries')).replace(/,/g, ''));
    const deadline = Date.now() + 5000;
    let n = 0;
    while (Date.now() < deadline) {
      await fetch(`${http}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: `account_${accountId}`, data: JSON.stringify({ type: 'notification', n: (n += 1) }) }) });
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFigure(page, 'deliveries', (t) => Number(t.replace(/,/g, '')) >= 2 * 10);
    expect(Number((await figure(page, 'deliveries')).replace(/,/g, ''))).toBeGreaterThan(before);
    await waitFigure(page, 'deliveries-rate', (t) => /^[\d.,]+ \/s$/.test(t) && parseFloat(t.replace(/,/g, '')) > 0);
    await page.locator(`[data-table="streams"] code[title="account_${accountId}"]`).waitFor({ timeout: 10000 });
    expect(await page.locator('[data-chart="deliveries-rate"] path.line').count()).toBe(1);
    expect(await page.locator('[data-chart="fanout-p95"] path.line').count()).toBe(1);

    // A rejected subscription shows up with who asked.
    members[0]?.send({ command: 'subscribe', identifier: JSON.stringify({ channel: 'NotificationChannel', account_id: 'someone-else' }) });
    await page.locator(`[data-table="rejections"] code[title="user:${memberId}"]`).waitFor({ timeout: 10000 });

    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'dashboard.png'), fullPage: true });
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT === '1') await page.screenshot({ path: path.join(ROOT, 'docs', 'dashboard.png'), fullPage: true });

    // The button closes every socket of that user, with Rails' remote disconnect frame.
    await page.locator(`[data-disconnect="user:${memberId}"]`).click();
    for (const m of members) {
      expect(await m.next((f) => f.type === 'disconnect', 5000)).toMatchObject({ type: 'disconnect', reason: 'remote' });
      await m.closed;
    }
    await waitFigure(page, 'user', (t) => t === '1');
    await expect(page.locator('[data-table="disconnects"]', { hasText: 'remote' }).count()).resolves.toBe(1);

    // Nothing but the page itself and the cable: no CDN, works offline.
    expect(requests.filter((u) => !u.startsWith(`${http}/dashboard`) && !u.startsWith(`ws://127.0.0.1:${server.running.port}/cable`))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens with the operator key through the sign-in form, without the key reaching the page', async () => {
    const page = await browser.newPage();
    expect((await page.goto(`${http}/dashboard`))?.status()).toBe(401);
    await page.fill('input[name="token"]', OPERATOR_KEY);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.waitForSelector('[data-status="live"]', { timeout: 15000 });
    expect(await page.content()).not.toContain(OPERATOR_KEY);
    expect(await page.locator('header').innerText()).toContain('operator key');
    await page.close();
  });
});
