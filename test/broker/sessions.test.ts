// MemorySessionStore: snapshots expire, and only their own identity can take them.

import { MemorySessionStore } from '../../src/broker/sessions';

describe('MemorySessionStore', () => {
  it('gives a snapshot to its own identity once', async () => {
    const store = new MemorySessionStore();
    await store.save('sid1', { identityKey: 'user:a', identifiers: ['x'] }, 60);
    expect(await store.take('sid1', 'user:a')).toEqual({ identityKey: 'user:a', identifiers: ['x'] });
    expect(await store.take('sid1', 'user:a')).toBeNull();
  });

  it('leaves the snapshot intact when another identity asks for it', async () => {
    const store = new MemorySessionStore();
    await store.save('sid1', { identityKey: 'user:a', identifiers: ['x'] }, 60);
    expect(await store.take('sid1', 'user:b')).toBeNull();
    expect(await store.take('sid1', 'user:a')).toEqual({ identityKey: 'user:a', identifiers: ['x'] });
  });

  it('returns nothing for an expired snapshot', async () => {
    const store = new MemorySessionStore();
    await store.save('sid1', { identityKey: 'user:a', identifiers: ['x'] }, -1);
    expect(await store.take('sid1', 'user:a')).toBeNull();
  });
});
