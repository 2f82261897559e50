// Channels used by the protocol conformance tests (the anyt scenarios of protocol.md §3.11).

import { z } from 'zod';
import { ApplicationChannel } from '../../channels/application-channel';

const Room = z.looseObject({ room: z.string().regex(/^[\w-]{1,64}$/) });
type RoomParams = z.infer<typeof Room>;

/** Streams `chat_<room>`; echo, speak (broadcast), follow/unfollow of a second stream, receive fallback. */
export class ChatChannel extends ApplicationChannel<RoomParams> {
  static override channel = 'ChatChannel';
  static override accepts = 'any' as const;
  static override params = Room;
  static override actions = {
    echo: z.looseObject({}),
    speak: z.object({ body: z.string().max(2000), action: z.literal('speak') }),
    tick: z.looseObject({}),
    unfollow: z.looseObject({}),
    receive: z.looseObject({}),
  };
  private ticks = 0;

  override subscribed(): void {
    this.streamFrom(`chat_${this.params.room}`);
    this.streamFrom(`extra_${this.params.room}`);
  }
  echo(data: Record<string, unknown>): void {
    this.transmit({ echo: data });
  }
  async speak(data: { body: string; action: string }): Promise<void> {
    await this.broadcast(`chat_${this.params.room}`, { body: data.body, from: this.identity.kind });
  }
  tick(): void {
    this.ticks += 1;
    this.transmit({ count: this.ticks, room: this.params.room });
  }
  unfollow(): void {
    this.stopStreamFrom(`extra_${this.params.room}`);
  }
  receive(data: Record<string, unknown>): void {
    this.transmit({ received: data });
  }
}

/** Transmits `hello` and `world` in `subscribed` (they must precede the confirmation). */
export class TransmitChannel extends ApplicationChannel {
  static override channel = 'TransmitChannel';
  static override accepts = 'any' as const;
  override subscribed(): void {
    this.transmit('hello');
    this.transmit('world');
  }
}

/** Always rejects, after starting a stream (which must be stopped) and noting that unsubscribed ran. */
export class RejectChannel extends ApplicationChannel {
  static override channel = 'RejectChannel';
  static override accepts = 'any' as const;
  static unsubscribedCount = 0;
  override subscribed(): void {
    this.streamFrom('reject_stream');
    this.reject();
  }
  override unsubscribed(): void {
    RejectChannel.unsubscribedCount += 1;
  }
}

/** Throws inside `subscribed` (must become a reject, never a hang). */
export class FailingChannel extends ApplicationChannel {
  static override channel = 'FailingChannel';
  static override accepts = 'any' as const;
  override subscribed(): void {
    throw new Error('boom in subscribed');
  }
}

/** Broadcasts `user left` on its stream from `unsubscribed` (disconnect runs every unsubscribed hook). */
export class PresenceChannel extends ApplicationChannel<{ id: string }> {
  static override channel = 'PresenceChannel';
  static override accepts = 'any' as const;
  static override params = z.looseObject({ id: z.string() });
  override subscribed(): void {
    this.streamFrom(`presence_${this.params.id}`);
  }
  override async unsubscribed(): Promise<void> {
    await this.broadcast(`presence_${this.params.id}`, { event: 'user left', id: this.params.id });
  }
}

/** A room whose stream carries whispers and a presence set (`room_<room>`); `quiet: true` marks neither. */
export class RoomChannel extends ApplicationChannel<RoomParams & { quiet?: boolean }> {
  static override channel = 'RoomChannel';
  static override accepts = 'any' as const;
  static override params = Room.extend({ quiet: z.boolean().optional() });
  override subscribed(): void {
    this.streamFrom(`room_${this.params.room}`, this.params.quiet ? undefined : { whisper: true, presence: true });
  }
}

/** A user-only channel (workers are refused). */
export class UserOnlyChannel extends ApplicationChannel {
  static override channel = 'UserOnlyChannel';
  override subscribed(): void {
    this.streamFrom(`user_${this.accountId}`);
  }
}

/** Ticks every 50 ms via periodically. */
export class TimerChannel extends ApplicationChannel {
  static override channel = 'TimerChannel';
  static override accepts = 'any' as const;
  private n = 0;
  override subscribed(): void {
    this.periodically(() => this.transmit({ tick: ++this.n }), 50);
  }
}

/** All conformance channels. */
export const TEST_CHANNELS = [ChatChannel, TransmitChannel, RejectChannel, FailingChannel, PresenceChannel, RoomChannel, UserOnlyChannel, TimerChannel];
