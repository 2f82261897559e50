// POST /_broadcast — AnyCable's HTTP broadcaster body: `{"stream":…,"data":"<JSON text>"}` or an array of them.
// The whole body is validated before anything is published; publications go out in order, and an adapter failure
// answers 503 with how many of them were published before it (`{"error":…,"published":n}`).

import type Router from '@koa/router';
import { z } from 'zod';
import { BroadcastFailedError } from '../../errors';
import type { HttpDeps } from '../deps';
import { requireBroadcastKey } from '../auth';
import { readJsonBody } from '../body';
import { exceedsDepth } from '../../protocol/json-depth';

const Publication = z.object({ stream: z.string().min(1).max(1024), data: z.string(), meta: z.record(z.string(), z.unknown()).optional() });
const Body = z.union([Publication, z.array(Publication).min(1).max(1000)]);

/** Turn the `data` text into the JSON payload: JSON text stays as is, anything else is sent as a JSON string of it. */
function toPayload(data: string): string {
  try {
    JSON.parse(data);
    return data;
  } catch {
    return JSON.stringify(data);
  }
}

/** Mount POST /_broadcast. */
export function mountBroadcast(router: Router, deps: HttpDeps): void {
  router.post('/_broadcast', async (ctx) => {
    requireBroadcastKey(ctx, deps.broadcastKey);
    const parsed = Body.safeParse(await readJsonBody(ctx, deps.maxBodyBytes, deps.maxJsonDepth));
    if (!parsed.success) {
      return ctx.throw(422, `invalid publication: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`);
    }
    const publications = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    // `data` is JSON text every receiving node parses: bounded like the body itself.
    const deep = publications.findIndex((p) => exceedsDepth(p.data, deps.maxJsonDepth));
    if (deep >= 0) return ctx.throw(422, `invalid publication: ${Array.isArray(parsed.data) ? `${deep}.` : ''}data nested deeper than ${deps.maxJsonDepth}`);
    let published = 0;
    try {
      for (const p of publications) {
        await deps.broadcast(p.stream, toPayload(p.data));
        published += 1;
      }
    } catch (err) {
      deps.logger.error('broadcast failed', { code: 'CABLE_BROADCAST_FAILED', err, published, total: publications.length });
      // Publications go out in order and are not rolled back: the caller learns which ones (the first `published`) left.
      ctx.status = 503;
      ctx.body = { error: err instanceof BroadcastFailedError ? err.message : 'broadcast failed', published };
      return;
    }
    ctx.status = 201;
    ctx.body = { broadcasts: publications.length };
  });
}
