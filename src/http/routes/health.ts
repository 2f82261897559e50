// GET /health (liveness: the process answers), GET /ready (readiness: database reachable, pub/sub healthy, not
// draining; 503 otherwise) and GET /metrics (Prometheus text, optionally behind METRICS_KEY).

import type Router from '@koa/router';
import type { HttpDeps } from '../deps';
import { requireBearer } from '../auth';

/** Mount the health, readiness and metrics routes. */
export function mountHealth(router: Router, deps: HttpDeps): void {
  router.get('/health', (ctx) => {
    const s = deps.stats();
    ctx.body = { status: s.adapter.healthy ? 'ok' : 'degraded', connections: s.connections, streams: s.streams, adapter: s.adapter, uptime_seconds: s.uptimeSeconds };
  });
  router.get('/ready', async (ctx) => {
    const r = await deps.readiness();
    ctx.status = r.ready ? 200 : 503;
    ctx.body = { status: r.ready ? 'ready' : 'not_ready', checks: r.checks };
  });
  router.get('/metrics', async (ctx) => {
    if (deps.metricsKey) requireBearer(ctx, deps.metricsKey, 'invalid metrics key');
    const { text, contentType } = await deps.metrics();
    ctx.type = contentType;
    ctx.body = text;
  });
}
