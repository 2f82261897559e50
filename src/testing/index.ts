// Public surface of the channel test kit: the harness (real connection, hub and memory pub/sub without sockets),
// identities, the manual channel clock and the fake transport.

export { ClientPool, connectClient, createHarnessServer, settle } from './channel-harness';
export type { HarnessClient, HarnessOptions, HarnessParams, HarnessServer } from './channel-harness';
export { FakeTransport } from './fake-socket';
export { testUser, testWorker } from './identities';
export type { TestUserOptions, TestWorkerOptions } from './identities';
export { ManualClock } from './manual-clock';
