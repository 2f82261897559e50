// `npm run catalog`: writes docs/asyncapi.json and regenerates the catalog blocks of docs/channels.md from the
// channel registry (channels/index.ts) and the catalog (src/channel/catalog.ts).

import fs from 'node:fs';
import path from 'node:path';
import { channels } from '../channels';
import { buildAsyncApi, renderChannelsDoc } from './catalog/generate';

const ROOT = path.resolve(__dirname, '..');
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
fs.writeFileSync(path.join(ROOT, 'docs/asyncapi.json'), `${JSON.stringify(buildAsyncApi(channels, version), null, 2)}\n`);
const docPath = path.join(ROOT, 'docs/channels.md');
fs.writeFileSync(docPath, renderChannelsDoc(fs.readFileSync(docPath, 'utf8'), channels));
console.log('catalog: wrote docs/asyncapi.json and docs/channels.md');
