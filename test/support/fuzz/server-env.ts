// Server settings of a fuzz run: the per-connection command rate and the per-address upgrade rate are raised so
// every generated frame reaches the parser and the channels (the fuzzer paces itself at a few hundred frames per
// second per socket and reopens throwaway sockets often); every other limit, the JSON depth one included, stays default.

import type { FrameOptions } from './frames';

/** Environment overrides for a server under fuzz (settings a server does not know are ignored by its schema). */
export const FUZZ_SERVER_ENV: Readonly<Record<string, string>> = {
  CABLE_COMMAND_RATE: '2000',
  CABLE_COMMAND_BURST: '2000',
  CABLE_UPGRADE_RATE_PER_IP: '0',
  CABLE_UPGRADE_BURST_PER_IP: '1000',
};

/** Frames per second each fuzzing socket sends at most. */
export const FUZZ_RATE_PER_SOCKET = 200;

/** Generator settings without the catalog and cast. */
export type FrameLimits = Omit<FrameOptions, 'catalog' | 'cast'>;

/** The CI test's frames: small strings and depths so a few thousand frames take seconds. */
export const CI_FRAME_LIMITS: FrameLimits = { maxStringBytes: 32 * 1024, maxDepth: 5000, maxFrameBytes: 1024 * 1024, stormSize: 300, oversize: false };

/** `npm run fuzz` frames: strings to 128 KB, nesting to 20,000 levels, occasional frames above the frame limit. */
export const FULL_FRAME_LIMITS: FrameLimits = { maxStringBytes: 128 * 1024, maxDepth: 20_000, maxFrameBytes: 1024 * 1024, stormSize: 300, oversize: true };

/**
 * Frames after which a long-lived fuzz socket is replaced by a fresh one: the server logs at most 20 warn and 20
 * error lines per connection per 10 s, so a fresh connection keeps every suspicious line visible to the fuzz.
 */
export const FUZZ_ROTATE_AFTER_FRAMES = 40;
