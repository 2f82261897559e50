// `$pubsub`: AnyCable's direct stream subscriptions, without an application channel. `{"channel":"$pubsub",
// "signed_stream_name":…}` follows the stream a name signed with CABLE_STREAMS_SECRET carries (AnyCable
// `signed_stream_name("chat/42")`, `npm run sign-stream`, `POST /_sign_stream`); `{"channel":"$pubsub",
// "stream_name":…}` follows a stream by its plain name, only with CABLE_PUBLIC_STREAMS. As AnyCable's streams
// controller: a non-empty `stream_name` is taken before `signed_stream_name`, public streams always allow whispers
// and presence, signed ones when CABLE_STREAMS_WHISPER / CABLE_STREAMS_PRESENCE say so.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { MAX_SIGNED_STREAM_NAME, MAX_STREAM_NAME, NamedStream, StreamBroadcast, usableStream, verifiedStream, type StreamRefusal } from './stream-names';

const Params = z.looseObject({
  stream_name: z.string().max(MAX_STREAM_NAME).optional(),
  signed_stream_name: z.string().max(MAX_SIGNED_STREAM_NAME).optional(),
});

/** Signed and public streams (`$pubsub`). */
export class PubSubChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = '$pubsub';
  static override accepts = 'any' as const;
  static override params = Params;
  static events = [StreamBroadcast] as const;
  static streams = [NamedStream];

  override subscribed(): void {
    const settings = this.services.streams;
    const { stream_name: plain, signed_stream_name: signed } = this.params;
    if (plain) {
      if (!settings?.public) return this.refuseStream('public_streams_off');
      const target = usableStream(plain);
      if ('refused' in target) return this.refuseStream(target.refused);
      void this.streamFrom(target.stream, { whisper: true, presence: true });
      return;
    }
    if (!signed) return this.refuseStream('no_stream');
    const target = verifiedStream(settings?.secret, signed);
    if ('refused' in target) return this.refuseStream(target.refused);
    void this.streamFrom(target.stream, { whisper: settings?.whisper === true, presence: settings?.presence === true });
  }

  private refuseStream(reason: StreamRefusal | 'public_streams_off' | 'no_stream'): void {
    this.logger.warn('stream subscription refused', { code: 'CABLE_SUBSCRIPTION_REFUSED', channel: PubSubChannel.channel, reason });
    this.reject();
  }
}
