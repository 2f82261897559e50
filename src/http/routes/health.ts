// GET /health (JSON status) and GET /metrics (Prometheus text).

import type Router from '@koa/router';
import type { HttpDeps } from '../deps';

/** Mount the health and metrics routes. */
export function mountHealth(router: Router, deps: HttpDeps): void {
  router.get('/health', (ctx) => {
    const s = deps.stats();
    ctx.body = { status: s.adapter.healthy ? 'ok' : 'degraded', connections: s.connections, streams: s.streams, adapter: s.adapter, uptime_seconds: s.uptimeSeconds };
  });
  router.get('/metrics', (ctx) => {
    const s = deps.stats();
    ctx.type = 'text/plain; version=0.0.4';
    ctx.body = [
      '# TYPE cable_connections gauge',
      `cable_connections ${s.connections}`,
      '# TYPE cable_streams gauge',
      `cable_streams ${s.streams}`,
      '# TYPE cable_deliveries_total counter',
      `cable_deliveries_total ${s.deliveries}`,
      '# TYPE cable_pubsub_healthy gauge',
      `cable_pubsub_healthy ${s.adapter.healthy ? 1 : 0}`,
      '',
    ].join('\n');
  });
}
