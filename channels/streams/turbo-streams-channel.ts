// `Turbo::StreamsChannel` (turbo-rails' `turbo_stream_from`): `{"channel":"Turbo::StreamsChannel",
// "signed_stream_name":…}` where the name is Rails' `Turbo::StreamsChannel.signed_stream_name(streamables)`, verified
// with the Turbo verifier key (CABLE_TURBO_STREAMS_SECRET, else CABLE_STREAMS_SECRET). What Rails broadcasts there
// (`Turbo::StreamsChannel.broadcast_*_to`: the `<turbo-stream>` HTML as a JSON string) reaches the client unchanged.
// Other identifier keys (turbo-rails' element sends its data attributes along) are ignored, as in Rails.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { MAX_SIGNED_STREAM_NAME, TurboStream, TurboStreamBroadcast, verifiedStream, type StreamRefusal } from './stream-names';

const Params = z.looseObject({ signed_stream_name: z.string().max(MAX_SIGNED_STREAM_NAME).optional() });

/** Hotwire Turbo Streams over signed stream names. */
export class TurboStreamsChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'Turbo::StreamsChannel';
  static override accepts = 'any' as const;
  static override params = Params;
  static events = [TurboStreamBroadcast] as const;
  static streams = [TurboStream];

  override subscribed(): void {
    const signed = this.params.signed_stream_name;
    if (!signed) return this.refuseStream('no_stream');
    const target = verifiedStream(this.services.streams?.turboSecret, signed);
    if ('refused' in target) return this.refuseStream(target.refused);
    void this.streamFrom(target.stream);
  }

  private refuseStream(reason: StreamRefusal | 'no_stream'): void {
    this.logger.warn('stream subscription refused', { code: 'CABLE_SUBSCRIPTION_REFUSED', channel: TurboStreamsChannel.channel, reason });
    this.reject();
  }
}
