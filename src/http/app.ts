// createHttpApp: Koa + @koa/router for /health, /metrics, /_broadcast, /_disconnect, /_sign_stream and /dashboard.
// Knows nothing of ws or channels; everything it needs is injected as HttpDeps. Unknown paths (including a plain GET
// /cable) are 404.

import Koa from 'koa';
import Router from '@koa/router';
import type { HttpDeps } from './deps';
import { mountBroadcast } from './routes/broadcast';
import { mountDashboard } from './routes/dashboard';
import { mountDisconnect } from './routes/disconnect';
import { mountHealth } from './routes/health';
import { mountSignStream } from './routes/sign-stream';

export type { HttpDeps, ServerStats } from './deps';

/** Build the Koa application. */
export function createHttpApp(deps: HttpDeps): Koa {
  const app = new Koa();
  app.silent = true;
  app.on('error', (err: Error & { status?: number }) => {
    if ((err.status ?? 500) >= 500) deps.logger.error('http error', { err });
  });
  const router = new Router();
  mountHealth(router, deps);
  mountBroadcast(router, deps);
  mountDisconnect(router, deps);
  mountSignStream(router, deps);
  mountDashboard(router, deps);
  // Rails answers a non-upgrade request to the cable with 404 text/plain "Page not found" (respond_to_invalid_request).
  router.all(deps.cablePath, (ctx) => {
    ctx.status = 404;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = 'Page not found';
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err as { status?: number; expose?: boolean; message?: string };
      ctx.status = e.status ?? 500;
      ctx.body = { error: e.expose ? e.message : 'internal error' };
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
