// client/src/channels.ts (the ChannelMap the client is typed by) is generated from the channel registry: it must be
// current, so a channel added to channels/index.ts is typed by the client too (`npm run catalog` rewrites it).

import fs from 'node:fs';
import { CHANNEL_MAP_PATH, channelMapSource } from '../scripts/channel-map';

it('client/src/channels.ts is current (npm run catalog regenerates it)', async () => {
  expect(fs.readFileSync(CHANNEL_MAP_PATH, 'utf8')).toBe(await channelMapSource());
});
