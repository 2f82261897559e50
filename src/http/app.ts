// createHttpApp: Koa + @koa/router for /health, /metrics, /_broadcast and /_disconnect. Knows nothing of ws or
// channels; everything it needs is injected as HttpDeps. Unknown paths (including a plain GET /cable) are 404.

import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from '../log/logger';
import type { AdapterStatus } from '../pubsub/adapter';
import { mountBroadcast } from './routes/broadcast';
import { mountDisconnect } from './routes/disconnect';
import { mountHealth } from './routes/health';

/** Server figures reported by /health and /metrics. */
export interface ServerStats {
  connections: number;
  streams: number;
  deliveries: number;
  adapter: AdapterStatus & { name: string };
  uptimeSeconds: number;
}

/** What the HTTP side needs from the rest of the server. */
export interface HttpDeps {
  logger: Logger;
  broadcastKey?: string;
  maxBodyBytes: number;
  /** Publish an encoded JSON payload to a stream. */
  publish(stream: string, payload: string): Promise<void>;
  /** The internal `action_cable/<id>` stream of a user or worker. */
  internalStreamFor(kind: 'user' | 'worker', id: string): string;
  stats(): ServerStats;
}

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
