// The in-process adapter against the shared contract (no second node: memory cannot reach other instances).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { createPubSub } from '../../src/pubsub/index';
import { describeAdapterContract } from './adapter.case';

describeAdapterContract('memory', async () => new MemoryAdapter(), { multiNode: false });

describe('createPubSub', () => {
  it('creates the memory adapter by default configuration', async () => {
    const adapter = await createPubSub({ adapter: 'memory', channelPrefix: '', solidCablePollMs: 100 });
    expect(adapter.name).toBe('memory');
    await adapter.shutdown();
  });

  it('rejects redis without a URL and solid_cable without a database URL', async () => {
    await expect(createPubSub({ adapter: 'redis', channelPrefix: '', solidCablePollMs: 100 })).rejects.toThrow(/REDIS_URL/);
    await expect(createPubSub({ adapter: 'solid_cable', channelPrefix: '', solidCablePollMs: 100 })).rejects.toThrow(/DATABASE_URL/);
  });

  it('does not load ioredis, pg or better-sqlite3 for the memory adapter (checked in a fresh process)', () => {
    const script =
      "require('./src/pubsub/index').createPubSub({ adapter: 'memory', channelPrefix: '', solidCablePollMs: 100 }).then(() => " +
      'console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules\\/(ioredis|pg|better-sqlite3)\\//.test(f)))))';
    const out = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual([]);
  });
});
