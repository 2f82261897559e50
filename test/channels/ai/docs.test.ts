// Keeps the AI section of docs/channels.md in step with the code: every exported publisher of channels/ai is named
// there, and every AI channel has its heading.

import fs from 'node:fs';
import path from 'node:path';
import { aiChannels } from '../../../channels/ai/index';

const ROOT = path.resolve(__dirname, '../../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/channels.md'), 'utf8');
const section = doc.slice(doc.indexOf('<!-- ai:start -->'), doc.indexOf('<!-- ai:end -->'));

function publishersOf(file: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, 'channels/ai', file)) as Record<string, unknown>;
  return Object.keys(mod).filter((name) => name.startsWith('publish') && typeof mod[name] === 'function');
}

describe('docs/channels.md (AI section)', () => {
  it('names every exported publisher of channels/ai', () => {
    const files = fs.readdirSync(path.join(ROOT, 'channels/ai')).filter((f) => f.endsWith('.ts'));
    const publishers = files.flatMap(publishersOf);
    expect(publishers.length).toBeGreaterThan(40);
    expect(publishers.filter((name) => !section.includes(`\`${name}\``) && !section.includes(`${name}(`))).toEqual([]);
  });

  it('has a heading for every AI channel', () => {
    expect(aiChannels.map((c) => c.identifier).filter((id) => !new RegExp(`^###? ${id}$`, 'm').test(section))).toEqual([]);
  });
});
