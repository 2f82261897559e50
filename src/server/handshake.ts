// Pure checks on the upgrade request: path, origin allowlist (with same-origin), sub-protocol selection and
// token extraction (`?token=` first, then `Authorization: Bearer`).

import type { IncomingMessage } from 'node:http';
import { SUBPROTOCOLS } from '../protocol/messages';

const UNPARSABLE = 'http://cable.invalid/%00unparsable';

/** Each request's URL, parsed once (the path, the token and the sid are all read from it). */
const parsed = new WeakMap<IncomingMessage, URL>();

/** The request URL parsed against a dummy base (only path and query matter); never throws (an unparsable target matches no path). */
export function requestUrl(req: IncomingMessage): URL {
  let url = parsed.get(req);
  if (url === undefined) {
    url = parseTarget(req.url ?? '/');
    parsed.set(req, url);
  }
  return url;
}

function parseTarget(target: string): URL {
  try {
    return new URL(target, 'http://cable.invalid');
  } catch {
    return new URL(UNPARSABLE);
  }
}

/** Whether `origin` may open a socket: absent (non-browser), same-origin, or matching the allowlist. */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: ReadonlyArray<string | RegExp>): boolean {
  if (origin === undefined || origin === '') return true;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowed.some((entry) => (typeof entry === 'string' ? entry === '*' || entry === origin : entry.test(origin)));
}

/** The first client-offered protocol the server supports, or false (upgrade proceeds without the header). */
export function selectProtocol(offered: ReadonlySet<string>): string | false {
  for (const p of offered) if (SUBPROTOCOLS.includes(p)) return p;
  return false;
}

/** The credential: query `token`, else the text after the last space of `Authorization: Bearer …`. */
export function extractToken(req: IncomingMessage): string | undefined {
  const fromQuery = requestUrl(req).searchParams.get('token');
  if (fromQuery) return fromQuery;
  const header = req.headers.authorization;
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const token = header.slice(header.lastIndexOf(' ') + 1).trim();
  return token || undefined;
}

/** The session id an ext-protocol client asks to restore: `?sid=` or the `X-AnyCable-Restore-Sid` header. */
export function restoreSid(req: IncomingMessage): string | undefined {
  const sid = requestUrl(req).searchParams.get('sid') ?? req.headers['x-anycable-restore-sid'];
  return typeof sid === 'string' && /^[\w-]{1,64}$/.test(sid) ? sid : undefined;
}
