// Reads a JSON request body with a size limit and a nesting-depth limit checked before parsing (no body-parser
// dependency).

import type { Context } from 'koa';
import { exceedsDepth } from '../protocol/json-depth';

/** Read and JSON-parse the request body; throws Koa errors 413 (too large) or 422 (not JSON, or nested too deeply). */
export async function readJsonBody(ctx: Context, limitBytes: number, maxDepth: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) ctx.throw(413, 'body too large');
    chunks.push(buf);
  }
  const body = Buffer.concat(chunks);
  if (exceedsDepth(body, maxDepth)) ctx.throw(422, `body nested deeper than ${maxDepth}`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return ctx.throw(422, 'body is not valid JSON');
  }
}
