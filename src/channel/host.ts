// ChannelHost: everything a channel instance may touch, provided by its subscription. Channels never see the
// socket, the hub or the registry directly: frames go through `transmitFrame`, streams through a narrow handle.

import type { Logger } from '../log/logger';
import type { StreamCallback } from '../hub/hub';
import type { PresenceRecord } from '../protocol/messages';

/** Where a stream's broadcasts go: a subscription (its quoted identifier) or a decoded-message callback. */
export type StreamTarget = string | StreamCallback;

/** Attaching and detaching one subscription's streams. */
export interface StreamHandle {
  /**
   * Route broadcasts of `stream` to `target`; resolves once live in pub/sub. Throws synchronously (nothing attached)
   * when the connection already holds its maximum of streams.
   */
  attach(stream: string, target: StreamTarget): Promise<void>;
  /** Stop routing `stream` to `target`. */
  detach(stream: string, target: StreamTarget): void;
}

/** Whispers and presence sets, as one connection uses them (AnyCable's extended features). */
export interface TransientHandle {
  /** The presence id of the connected identity (a user's or a worker's id): what clients are known by. */
  readonly presenceId: string;
  /** Send `data` to the other subscribers of `stream` (every node), never stored. */
  whisper(stream: string, data: unknown): Promise<void>;
  /** Join `stream`'s presence set as `id` with `info` (join events go to the stream). */
  join(stream: string, id: string, info: unknown): Promise<void>;
  /** Leave `stream`'s presence set. */
  leave(stream: string): Promise<void>;
  /** Everyone present on `stream`; null when the presence store cannot be read. */
  records(stream: string): Promise<PresenceRecord[] | null>;
}

/** The connection-side services a channel uses. `I` is the identity type, `S` the application services. */
export interface ChannelHost<I = unknown, S = unknown> {
  /** Who is connected (user or worker), as resolved at connect. */
  readonly identity: I;
  /** Application services (database, broadcaster, config), opaque to the framework. */
  readonly services: S;
  /** Logger tagged with the connection. */
  readonly logger: Logger;
  /** GlobalID application name used for `streamFor` names. */
  readonly gidApp: string;
  /** The subscription's streams. */
  readonly streams: StreamHandle;
  /** Whispers and presence (absent where the host has none, e.g. a bare test host). */
  readonly transient?: TransientHandle;
  /** Write a finished frame to this subscription's client. */
  transmitFrame(text: string): void;
  /** Publish `message` (encoded once) to `stream` through pub/sub. */
  broadcast(stream: string, message: unknown): Promise<void>;
}
