// POST /_sign_stream — signs a stream name for `{"channel":"$pubsub","signed_stream_name":…}` (or, with
// `"turbo":true`, for `Turbo::StreamsChannel`) so that an app without AnyCable's Ruby helpers can hand its clients
// signed names: `{"stream":"chat/42"}` → `200 {"signed_stream_name":"…"}`. Guarded like /_broadcast.

import type Router from '@koa/router';
import { z } from 'zod';
import type { HttpDeps } from '../deps';
import { requireBroadcastKey } from '../auth';
import { readJsonBody } from '../body';

const Body = z.object({ stream: z.string().min(1).max(1024), turbo: z.boolean().optional() });

/** Mount POST /_sign_stream. */
export function mountSignStream(router: Router, deps: HttpDeps): void {
  router.post('/_sign_stream', async (ctx) => {
    requireBroadcastKey(ctx, deps.broadcastKey);
    let body: unknown;
    try {
      body = await readJsonBody(ctx, deps.maxBodyBytes, deps.maxJsonDepth);
    } catch (err) {
      // Not JSON (or nested too deeply) is a bad request here; 413 stays 413.
      const e = err as { status?: number; message?: string };
      if (e.status === 422) return ctx.throw(400, e.message ?? 'invalid body');
      throw err;
    }
    const parsed = Body.safeParse(body);
    if (!parsed.success) {
      return ctx.throw(400, `invalid body: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`);
    }
    const kind = parsed.data.turbo ? 'turbo' : 'pubsub';
    const signed = deps.signStream?.(parsed.data.stream, kind) ?? null;
    if (signed === null) {
      return ctx.throw(400, kind === 'turbo' ? 'no Turbo Streams secret configured (CABLE_TURBO_STREAMS_SECRET or CABLE_STREAMS_SECRET)' : 'no streams secret configured (CABLE_STREAMS_SECRET)');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 200;
    ctx.body = { signed_stream_name: signed };
  });
}
