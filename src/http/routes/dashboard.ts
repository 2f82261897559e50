// GET/POST /dashboard — the operator dashboard: one self-contained page (its script and style, bundled at build time
// into dist/dashboard by scripts/build-dashboard.mjs, are inlined: no CDN, nothing else to fetch) that follows the
// server live over the cable through OperatorChannel. The credential — a `system.admin` user's access token or the
// operator key (CABLE_OPERATOR_KEY) — comes as `Authorization: Bearer …`, `?token=…` or the login form's POST;
// without one the answer is 401 with that form, with a wrong one 401, with a valid one lacking system.admin 403.

import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { PROJECT_ROOT } from '../../project-root';
import type { HttpDeps } from '../deps';

/** Where the build writes the page's script and style. */
export const DASHBOARD_ASSETS = path.join(PROJECT_ROOT, 'dist', 'dashboard');
const FORM_LIMIT = 8192;

let cached: { js: string; css: string } | undefined;

/** The bundled script and style (read once); undefined when the dashboard has not been built. */
function assets(): { js: string; css: string } | undefined {
  if (cached) return cached;
  try {
    cached = { js: fs.readFileSync(path.join(DASHBOARD_ASSETS, 'app.js'), 'utf8'), css: fs.readFileSync(path.join(DASHBOARD_ASSETS, 'app.css'), 'utf8') };
  } catch {
    return undefined;
  }
  return cached;
}

/** Mount GET and POST /dashboard (404 when the server has no dashboard wiring). */
export function mountDashboard(router: Router, deps: HttpDeps): void {
  const dashboard = deps.dashboard;
  if (!dashboard) return;
  const serve = async (ctx: Context) => {
    secure(ctx);
    const credential = await credentialOf(ctx);
    if (!credential) return page(ctx, 401, 'Cable dashboard — sign in', loginBody(''));
    const access = await dashboard.authorize(credential);
    if (access.status !== 200) {
      if (access.status === 401) return page(ctx, 401, 'Cable dashboard — sign in', loginBody(access.message));
      return page(ctx, access.status, 'Cable dashboard', `<main class="login"><h1>Cable dashboard</h1><p class="error">${escapeHtml(access.message)}</p></main>`);
    }
    const bundle = assets();
    if (!bundle) return page(ctx, 503, 'Cable dashboard', '<main class="login"><h1>Cable dashboard</h1><p class="error">The dashboard is not built: run <code>npm run build</code>.</p></main>');
    const nonce = randomBytes(16).toString('base64');
    ctx.set('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
    const config = JSON.stringify({ cablePath: deps.cablePath, token: access.cableToken, who: access.who }).replace(/</g, '\\u003c');
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Cable dashboard</title><style nonce="${nonce}">${bundle.css}</style></head><body><div id="app"></div><script type="application/json" id="cable-config">${config}</script><script nonce="${nonce}">${bundle.js}</script></body></html>`;
  };
  router.get('/dashboard', serve);
  router.post('/dashboard', serve);
}

/** Headers of every dashboard answer: never cached, never framed, no referrer (the URL may carry `?token=`). */
function secure(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
}

/** The credential of the request: bearer header, then `?token=`, then a posted form's `token`. */
async function credentialOf(ctx: Context): Promise<string> {
  const header = ctx.get('authorization');
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  const query = ctx.query.token;
  if (typeof query === 'string' && query.trim()) return query.trim();
  if (ctx.method !== 'POST' || !ctx.is('application/x-www-form-urlencoded')) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) ctx.throw(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return (new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '').trim();
}

function page(ctx: Context, status: number, title: string, body: string): void {
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="cable-dashboard"');
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${LOGIN_CSS}</style></head><body>${body}</body></html>`;
}

function loginBody(error: string): string {
  return `<main class="login"><h1>Cable dashboard</h1><p>Sign in with the access token of a user holding <code>system.admin</code>, or the operator key (<code>CABLE_OPERATOR_KEY</code>).</p>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}<form method="post" action="/dashboard"><input type="password" name="token" autocomplete="off" placeholder="token or operator key" required autofocus><button type="submit">Open</button></form></main>`;
}

const LOGIN_CSS = 'body{font:15px/1.5 system-ui,sans-serif;background:#0f172a;color:#e2e8f0;margin:0}.login{max-width:32rem;margin:12vh auto;padding:0 1rem}input{width:100%;box-sizing:border-box;padding:.5rem;margin:.5rem 0;border-radius:4px;border:1px solid #475569;background:#1e293b;color:inherit}button{padding:.5rem 1rem;border:0;border-radius:4px;background:#38bdf8;color:#0f172a;font-weight:600}.error{color:#f87171}code{color:#7dd3fc}';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
