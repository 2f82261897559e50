// ChannelHost: everything a channel instance may touch, provided by its connection. Channels never see the
// socket, the hub or the registry directly.

import type { Logger } from '../log/logger';
import type { StreamCallback } from '../hub/hub';

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
  /** Write a finished frame to this connection's socket. */
  transmitFrame(text: string): void;
  /**
   * Route broadcasts of `stream` to this connection under `quotedIdentifier`; resolves once live. Throws
   * synchronously (nothing attached) when the connection already holds its maximum of streams.
   */
  addStream(stream: string, quotedIdentifier: string): Promise<void>;
  /** Stop routing `stream` under `quotedIdentifier`. */
  removeStream(stream: string, quotedIdentifier: string): void;
  /** Subscribe a decoded-message callback to `stream`; resolves once live. Throws like addStream when over the cap. */
  addStreamCallback(stream: string, callback: StreamCallback): Promise<void>;
  /** Remove a callback added with addStreamCallback. */
  removeStreamCallback(stream: string, callback: StreamCallback): void;
  /** Publish `message` (encoded once) to `stream` through pub/sub. */
  broadcast(stream: string, message: unknown): Promise<void>;
}
