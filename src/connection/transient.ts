// One connection's whispers and presence (the TransientHandle its channels use): whispers go through the hub's
// transient bus with this connection excluded; presence changes go to the presence store under this connection's
// session key and the resulting join/leave events to the stream's subscribers. When the socket closes, its records
// are left to expire after the presence TTL (a reconnecting client does not flap).

import { randomBytes } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { PresenceStore } from '../broker/presence';
import type { TransientHandle } from '../channel/host';
import type { Hub, HubSession } from '../hub/hub';
import type { Logger } from '../log/logger';
import { encodeMessage, encodePresenceEvent } from '../protocol/codec';
import type { PresenceEvent, PresenceRecord } from '../protocol/messages';

/** The presence id of an identity: a user's id, or a worker's. */
export function presenceIdOf(identity: Identity): string {
  return identity.kind === 'user' ? identity.userId : identity.workerId;
}

/** Whispers and presence of one connection. */
export class ConnectionTransient implements TransientHandle {
  /** This connection's key in presence sets, unique across nodes. */
  readonly sid = randomBytes(12).toString('base64url');
  readonly presenceId: string;
  private finished = false;
  private joined = false;

  constructor(
    private readonly hub: Hub,
    private readonly session: HubSession,
    identity: Identity,
    private readonly store: PresenceStore | undefined,
    private readonly logger: Logger,
  ) {
    this.presenceId = presenceIdOf(identity);
  }

  whisper(stream: string, data: unknown): Promise<void> {
    return this.hub.transient.publish(stream, 'whisper', encodeMessage(data), this.session);
  }

  async join(stream: string, id: string, info: unknown): Promise<void> {
    if (!this.store) return;
    this.joined = true;
    const events = await this.store.join(stream, this.sid, id, info);
    // The socket closed while the join was in flight: its records must still expire.
    if (this.finished) this.store.finish(this.sid);
    await this.announce(stream, events);
  }

  async leave(stream: string): Promise<void> {
    const event = await this.store?.leave(stream, this.sid);
    if (event) await this.announce(stream, [event]);
  }

  async records(stream: string): Promise<PresenceRecord[] | null> {
    if (!this.store) return null;
    try {
      return await this.store.records(stream);
    } catch (err) {
      this.logger.warn('presence could not be read', { code: 'CABLE_PUBSUB_UNAVAILABLE', err: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }

  /** The socket closed: its presence records expire after the TTL unless the session comes back. */
  finish(): void {
    this.finished = true;
    if (this.joined) this.store?.finish(this.sid);
  }

  private async announce(stream: string, events: readonly PresenceEvent[]): Promise<void> {
    for (const event of events) await this.hub.transient.publish(stream, 'presence', encodePresenceEvent(event));
  }
}
