// Sessions about the transport around the protocol: refused tokens, sub-protocol negotiation, a plain GET of the
// cable path, and raw payloads published straight into Redis by a non-Rails publisher.

import { Client, type Entry } from './client';
import { REDIS_URL } from './options';
import { httpGet, rawUpgrade } from './raw-http';
import { onBench, PROTOCOLS, type Session } from './session-kit';
import { urlWithToken, type Target } from './target';

/** Connect with `token` and record until the server closes (or 4 s pass); a refused open is noted. */
async function refusedConnect(t: Target, label: string, token: string | null): Promise<Entry[]> {
  const out: Entry[] = [{ kind: 'info', key: 'connect', value: label }];
  try {
    const c = await Client.open(urlWithToken(t, token), PROTOCOLS, true);
    await c.waitClose(4000);
    out.push(...c.entries);
  } catch (err) {
    out.push({ kind: 'info', key: 'open failed', value: (err as Error).message });
  }
  return out;
}

/** An invalid and a missing token. */
export const unauthorized: Session = {
  name: 'unauthorized',
  title: 'unauthorized token → disconnect frame + close code; missing token',
  async run(t) {
    return [...(await refusedConnect(t, 'invalid token', t.invalidToken)), ...(await refusedConnect(t, 'no token', null))];
  },
};

const OFFERS = [
  ['offer actioncable-v1-json, actioncable-unsupported', 'actioncable-v1-json, actioncable-unsupported'],
  ['offer nothing', null],
  ['offer only actioncable-unsupported', 'actioncable-unsupported'],
  ['offer unknown-proto, actioncable-v1-json', 'unknown-proto, actioncable-v1-json'],
] as const;

/** The upgrade's status, chosen sub-protocol and frames for one offer. */
async function offer(t: Target, label: string, header: string | null): Promise<Entry[]> {
  const r = await rawUpgrade(t, header, 3000);
  return [
    { kind: 'send', label, text: `Sec-WebSocket-Protocol: ${header ?? '(absent)'}` },
    { kind: 'info', key: 'HTTP status', value: String(r.status) },
    { kind: 'info', key: 'Sec-WebSocket-Protocol', value: JSON.stringify(r.protocolHeader) },
    ...r.frames.map((text): Entry => ({ kind: 'recv', text })),
  ];
}

/** Sub-protocol negotiation. */
export const subprotocols: Session = {
  name: 'subprotocols',
  title: 'sub-protocol negotiation (response header, welcome)',
  async run(t) {
    const out: Entry[] = [];
    for (const [label, header] of OFFERS) out.push(...(await offer(t, label, header)));
    return out;
  },
};

/** A GET of the cable path without an upgrade. */
export const plainGet: Session = {
  name: 'plain-get',
  title: 'plain GET /cable (no upgrade)',
  async run(t) {
    const r = await httpGet(`${t.httpBase}${new URL(t.cableUrl).pathname}`);
    return [
      { kind: 'send', label: 'GET /cable', text: 'GET /cable' },
      { kind: 'info', key: 'HTTP status', value: String(r.status) },
      { kind: 'info', key: 'Content-Type', value: r.contentType },
      { kind: 'info', key: 'body', value: JSON.stringify(r.body) },
    ];
  },
};

const PAYLOADS = [
  ['compact object', '{"a":1}'],
  ['whitespace + html + float', '{ "a" : "<b>&" , "f" : 1.0 }'],
  ['JSON string', '"plain"'],
  ['not JSON', 'not json'],
] as const;

/** Raw PUBLISHes into Redis: re-encoded or relayed verbatim? */
export const rawPublish: Session = {
  name: 'raw-publish',
  title: 'raw PUBLISH into Redis (a non-Rails publisher): is the payload re-encoded or relayed verbatim?',
  redisOnly: true,
  async run(t) {
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    return onBench(t, async (c) => {
      try {
        for (const [label, payload] of PAYLOADS) {
          c.send(`PUBLISH ${label}`, `PUBLISH <bench stream> ${payload}`);
          await redis.publish(t.redisBenchChannel ?? '', payload);
          await c.settle(400);
        }
      } finally {
        redis.disconnect();
      }
    });
  },
};
