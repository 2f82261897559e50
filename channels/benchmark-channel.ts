// BenchmarkChannel: websocket-shootout's shapes, registered only when CABLE_BENCHMARK_CHANNEL=1. As the Rails
// BenchmarkChannel: `echo` transmits the data as sent; `broadcast` publishes it to every subscriber, then answers the
// sender with the same data and `action` set to `broadcastResult`.

import { z } from 'zod';
import { ApplicationChannel } from './application-channel';

const Data = z.looseObject({});
type BenchData = z.infer<typeof Data>;

/** The stream every benchmark subscriber shares. */
export const BENCHMARK_STREAM = 'all';

/** Echo and broadcast for load generators. */
export class BenchmarkChannel extends ApplicationChannel {
  static override channel = 'BenchmarkChannel';
  static override accepts = 'any' as const;
  static override actions = { echo: Data, broadcast: { schema: Data, handler: 'broadcastAll' } };

  override subscribed(): void {
    this.streamFrom(BENCHMARK_STREAM);
  }

  echo(data: BenchData): void {
    this.transmit(data);
  }

  /** The `broadcast` action: publish to every subscriber, then answer `broadcastResult`. */
  async broadcastAll(data: BenchData): Promise<void> {
    await this.broadcast(BENCHMARK_STREAM, data);
    // Reassigning an existing key keeps its position, so the reply has the request's key order.
    this.transmit({ ...data, action: 'broadcastResult' });
  }
}
