// The generators of the channel catalog (src/channel/catalog.ts): the AsyncAPI 3.0 document (docs/asyncapi.json)
// and the generated event tables of docs/channels.md (between `<!-- catalog:<Channel>:start/end -->` markers).
// `npm run catalog` (scripts/catalog.ts) writes both; test/architecture/catalog.test.ts checks they are current.

import { z } from 'zod';
import { catalogOf, isCatalogued, type ChannelCatalog, type EventSpec, type StreamSpec } from '../../src/channel/index';
import type { ChannelClass } from '../../src/channel/index';

type Json = Record<string, unknown>;

/** zod → JSON Schema (draft-07, the AsyncAPI schema format's base), input side, unrepresentable parts as `{}`. */
export function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** A component key AsyncAPI accepts (`^[a-zA-Z0-9.\-_]+$`). */
export const key = (s: string): string => s.replace(/[^a-zA-Z0-9.\-_]/g, '_');

const eventKey = (e: EventSpec) => key(e.name);

function describeEvent(e: EventSpec): string {
  const how = e.delivery.map((d) => (d === 'reply' && e.replyTo ? `reply to ${e.replyTo.join(', ')}` : d)).join('; ');
  return [e.summary, `Delivery: ${how}.`, e.streams.length ? `Streams: ${e.streams.map((s) => s.address).join(', ')}.` : ''].filter(Boolean).join(' ');
}

/** The AsyncAPI 3.0 document of `classes` (every registered channel; events of the catalogued ones). */
export function buildAsyncApi(classes: readonly ChannelClass[], version: string): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const cls of classes) {
    const cat = catalogOf(cls);
    const id = key(cat.channel);
    const chMessages: Json = {};
    const ref = (m: string) => ({ $ref: `#/components/messages/${m}` });
    const subscribe = `${id}.subscribe`;
    messages[subscribe] = {
      name: 'subscribe', title: `Subscribe to ${cat.channel}`,
      summary: `The identifier of a {"command":"subscribe"} frame: {"channel":"${cat.channel}", …params}.`,
      payload: jsonSchema(cat.params),
    };
    chMessages.subscribe = ref(subscribe);
    for (const a of cat.actions) {
      const m = `${id}.perform.${key(a.name)}`;
      messages[m] = { name: a.name, title: `${cat.channel}#${a.name}`, summary: `The data of a {"command":"message"} frame with action "${a.name}".`, payload: jsonSchema(a.schema) };
      chMessages[`perform.${key(a.name)}`] = ref(m);
    }
    const eventNames = new Map<EventSpec, string>();
    for (const e of cat.events) {
      let name = `event.${eventKey(e)}`;
      for (let i = 2; name in chMessages; i++) name = `event.${eventKey(e)}.${i}`;
      eventNames.set(e, name);
      const m = `${id}.${name}`;
      messages[m] = { name: e.name, title: e.name, summary: describeEvent(e), payload: jsonSchema(e.schema) };
      chMessages[name] = ref(m);
    }
    channels[id] = {
      address: '/cable',
      title: cat.channel,
      description: `${cat.channel} on the cable. Messages arrive as {"identifier", "message"} frames of this channel's subscription.`,
      messages: chMessages,
    };
    operations[`${id}.subscribe`] = {
      action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Subscribe to ${cat.channel}.`,
      messages: [{ $ref: `#/channels/${id}/messages/subscribe` }],
    };
    for (const a of cat.actions) {
      operations[`${id}.perform.${key(a.name)}`] = {
        action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Perform ${a.name}.`,
        messages: [{ $ref: `#/channels/${id}/messages/perform.${key(a.name)}` }],
      };
    }
    if (cat.events.length) {
      operations[`${id}.receive`] = {
        action: 'receive', channel: { $ref: `#/channels/${id}` }, summary: `What ${cat.channel} sends to a subscriber.`,
        messages: cat.events.map((e) => ({ $ref: `#/channels/${id}/messages/${eventNames.get(e)}` })),
      };
    }
    for (const s of cat.streams) {
      // Addresses that differ only in characters a component key cannot hold (`mcp:account_…` / `mcp_account_…`) get a suffix.
      let sid = `${id}.stream.${key(s.address)}`;
      for (let i = 2; sid in channels; i++) sid = `${id}.stream.${key(s.address)}.${i}`;
      const onStream = cat.events.filter((e) => e.streams.includes(s));
      channels[sid] = {
        address: s.address,
        title: `${cat.channel} stream ${s.address}`,
        description: `A pub/sub stream ${cat.channel} subscribers stream from${s.description ? `: ${s.description}` : '.'}`,
        ...(s.parameters.length ? { parameters: Object.fromEntries(s.parameters.map((p) => [p, { description: `The ${p} the stream name is built from.` }])) } : {}),
        messages: Object.fromEntries(onStream.map((e) => [eventNames.get(e), { $ref: `#/components/messages/${id}.${eventNames.get(e)}` }])),
      };
      if (onStream.length) {
        operations[`${sid}.receive`] = {
          action: 'receive', channel: { $ref: `#/channels/${sid}` }, summary: `Broadcasts on ${s.address}.`,
          messages: onStream.map((e) => ({ $ref: `#/channels/${sid}/messages/${eventNames.get(e)}` })),
        };
      }
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Powernode cable',
      version,
      description: 'The ActionCable-compatible channels of Powernode, generated from the channel catalog (src/channel/catalog.ts) by `npm run catalog`. Do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      cable: {
        host: 'localhost:8080', pathname: '/cable', protocol: 'ws',
        description: 'The cable endpoint (ActionCable protocol, JSON frames).',
        security: [{ $ref: '#/components/securitySchemes/jwt' }],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        jwt: { type: 'httpApiKey', in: 'query', name: 'token', description: 'A JWT bearer token (user or worker) in the `token` query parameter of the upgrade request.' },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// docs/channels.md

const MARK = (channel: string, end: 'start' | 'end') => `<!-- catalog:${channel}:${end} -->`;

function keysOf(e: EventSpec): string {
  const shape = (e.schema as z.ZodObject).shape as Record<string, z.ZodType> | undefined;
  if (!shape) return '(see docs/asyncapi.json)';
  return Object.entries(shape)
    .filter(([k]) => k !== e.key)
    .map(([k, v]) => `${k}${v.safeParse(undefined).success ? '?' : ''}`)
    .join(', ');
}

const streamsOf = (streams: readonly StreamSpec[]) => (streams.length ? streams.map((s) => `\`${s.address}\``).join(', ') : '—');

/** The generated event table of one catalogued channel. */
export function eventTable(cat: ChannelCatalog): string {
  const rows = cat.events.map((e) => {
    const how = e.delivery.map((d) => (d === 'reply' && e.replyTo ? `reply (${e.replyTo.join(', ')})` : d)).join(', ');
    const name = e.key ? `\`${e.name}\`` : `${e.name} (no \`type\`)`;
    return `| ${name} | ${how} | ${streamsOf(e.streams)} | ${keysOf(e)} |`;
  });
  return [
    `Generated from the catalog by \`npm run catalog\` (schemas: \`docs/asyncapi.json\`). Streams: ${streamsOf(cat.streams)}.`,
    '',
    `| ${cat.events[0]?.key ?? 'type'} | delivery | stream | keys (\`?\` optional) |`,
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `doc` with every catalogued channel's block regenerated; throws when a catalogued channel has no markers. */
export function renderChannelsDoc(doc: string, classes: readonly ChannelClass[]): string {
  let out = doc;
  for (const cls of classes.filter(isCatalogued)) {
    const cat = catalogOf(cls);
    const start = out.indexOf(MARK(cat.channel, 'start'));
    const end = out.indexOf(MARK(cat.channel, 'end'));
    if (start < 0 || end < start) throw new Error(`docs/channels.md has no ${MARK(cat.channel, 'start')} … ${MARK(cat.channel, 'end')} block`);
    out = `${out.slice(0, start + MARK(cat.channel, 'start').length)}\n${eventTable(cat)}\n${out.slice(end)}`;
  }
  return out;
}
