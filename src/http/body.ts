// Reads a JSON request body with a size limit (no body-parser dependency).

import type { Context } from 'koa';

/** Read and JSON-parse the request body; throws Koa errors 413 (too large) or 422 (not JSON). */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) ctx.throw(413, 'body too large');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return ctx.throw(422, 'body is not valid JSON');
  }
}
