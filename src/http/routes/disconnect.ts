// POST /_disconnect — Rails' remote disconnect for operators: `{"user_id":…}` or `{"worker_id":…}` (+ optional
// `reconnect`, default true) publishes `{"type":"disconnect","reconnect":…}` to `action_cable/<GlobalID param>`,
// which closes the matching connections on every node with the `remote` disconnect frame.

import type Router from '@koa/router';
import { z } from 'zod';
import type { HttpDeps } from '../deps';
import { requireBroadcastKey } from '../auth';
import { readJsonBody } from '../body';

const Body = z.union([
  z.object({ user_id: z.string().min(1).max(100), reconnect: z.boolean().optional() }),
  z.object({ worker_id: z.string().min(1).max(100), reconnect: z.boolean().optional() }),
]);

/** Mount POST /_disconnect. */
export function mountDisconnect(router: Router, deps: HttpDeps): void {
  router.post('/_disconnect', async (ctx) => {
    requireBroadcastKey(ctx, deps.broadcastKey);
    const parsed = Body.safeParse(await readJsonBody(ctx, deps.maxBodyBytes, deps.maxJsonDepth));
    if (!parsed.success) return ctx.throw(422, 'body must be {"user_id":…} or {"worker_id":…} with optional boolean reconnect');
    const body = parsed.data;
    const stream = 'user_id' in body ? deps.internalStreamFor('user', body.user_id) : deps.internalStreamFor('worker', body.worker_id);
    const payload = JSON.stringify({ type: 'disconnect', reconnect: body.reconnect ?? true });
    try {
      await deps.broadcast(stream, payload);
    } catch {
      ctx.throw(503, 'disconnect could not be published');
    }
    ctx.status = 202;
    ctx.body = { stream };
  });
}
