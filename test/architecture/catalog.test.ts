// The channel catalog (src/channel/catalog.ts) and what is generated from it: docs/asyncapi.json validates with
// @asyncapi/parser, covers every registered channel and every catalog event, and equals a fresh generation; the
// catalog blocks of docs/channels.md are current (`npm run catalog` regenerates both).

import fs from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { z } from 'zod';
import { channels } from '../../channels';
import { buildAsyncApi, key, renderChannelsDoc } from '../../scripts/catalog/generate';
import { broadcaster, catalogOf, defineEvent, eventMessage, EventShapeError, isCatalogued, stream, VALIDATE_EVENTS } from '../../src/channel/index';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const version = (JSON.parse(read('package.json')) as { version: string }).version;
const REGENERATE = 'run `npm run catalog` and commit docs/asyncapi.json and docs/channels.md';

describe('channel catalog', () => {
  describe('docs/asyncapi.json', () => {
    const committed = read('docs/asyncapi.json');

    it(`is current (${REGENERATE})`, () => {
      expect(committed).toBe(`${JSON.stringify(buildAsyncApi(channels, version), null, 2)}\n`);
    });

    it('validates with @asyncapi/parser without errors', async () => {
      const { document, diagnostics } = await new Parser().parse(committed);
      const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
      expect(errors).toEqual([]);
      expect(document).toBeDefined();
      expect(document?.version()).toBe('3.0.0');
    }, 60_000);

    it('has a channel and a subscribe operation per registered channel, a send operation per action and a message per event', () => {
      const doc = JSON.parse(committed) as { channels: Record<string, { messages: Record<string, unknown> }>; operations: Record<string, unknown> };
      const missing: string[] = [];
      for (const cls of channels) {
        const cat = catalogOf(cls);
        const id = key(cat.channel);
        const ch = doc.channels[id];
        if (!ch) { missing.push(`channel ${id}`); continue; }
        if (!doc.operations[`${id}.subscribe`]) missing.push(`${id}.subscribe`);
        for (const a of cat.actions) if (!ch.messages[`perform.${key(a.name)}`] || !doc.operations[`${id}.perform.${key(a.name)}`]) missing.push(`${id} action ${a.name}`);
        for (const e of cat.events) if (!Object.keys(ch.messages).some((m) => m === `event.${key(e.name)}` || m.startsWith(`event.${key(e.name)}.`))) missing.push(`${id} event ${e.name}`);
        for (const s of cat.streams) if (!doc.channels[`${id}.stream.${key(s.address)}`]) missing.push(`${id} stream ${s.address}`);
      }
      expect(missing).toEqual([]);
      expect(channels.filter(isCatalogued).length).toBeGreaterThan(0);
    });
  });

  it(`docs/channels.md catalog blocks are current (${REGENERATE})`, () => {
    const doc = read('docs/channels.md');
    expect(renderChannelsDoc(doc, channels)).toBe(doc);
  });

  describe('derived publishers', () => {
    const Room = stream('room_{room_id}');
    const Said = defineEvent({ name: 'said', delivery: ['broadcast'], streams: [Room], stamp: true, fields: { jsonrpc: z.literal('2.0'), body: z.string(), n: z.number().optional() } });

    it('build the message in the declared key order, constants and timestamp filled in, and broadcast to the named stream', async () => {
      const sent: Array<[string, string]> = [];
      const b = { gidApp: 'app', broadcast: async (s: string, m: unknown) => void sent.push([s, JSON.stringify(m)]) };
      await broadcaster(Said)(b, { room_id: '7' }, { body: 'hi' });
      await broadcaster(Said)(b, { room_id: '8' }, { n: 1, body: 'yo', timestamp: 'T' });
      expect(sent).toEqual([
        ['room_7', expect.stringMatching(/^\{"type":"said","jsonrpc":"2\.0","body":"hi","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}$/)],
        ['room_8', '{"type":"said","jsonrpc":"2.0","body":"yo","n":1,"timestamp":"T"}'],
      ]);
    });

    it('validate in tests (NODE_ENV=test), so a wrong payload throws', () => {
      expect(VALIDATE_EVENTS).toBe(true);
      expect(() => eventMessage(Said, { body: 3 as unknown as string })).toThrow(EventShapeError);
    });
  });
});
