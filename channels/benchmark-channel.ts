// BenchmarkChannel: websocket-shootout's shapes, registered only when CABLE_BENCHMARK_CHANNEL=1.
// `echo` answers the sender; `broadcast` fans out to every subscriber, then answers `broadcastResult`.

import { z } from 'zod';
import { ApplicationChannel } from './application-channel';

const Payload = z.looseObject({ payload: z.unknown() });
type PayloadData = z.infer<typeof Payload>;

/** The stream every benchmark subscriber shares. */
export const BENCHMARK_STREAM = 'all';

/** Echo and broadcast for load generators. */
export class BenchmarkChannel extends ApplicationChannel {
  static override identifier = 'BenchmarkChannel';
  static override accepts = 'any' as const;
  static override actions = { echo: Payload, broadcast: Payload };

  override subscribed(): void {
    this.streamFrom(BENCHMARK_STREAM);
  }

  echo({ payload }: PayloadData): void {
    this.transmit({ action: 'echo', payload });
  }

  async broadcast({ payload }: PayloadData): Promise<void> {
    await this.publish(BENCHMARK_STREAM, { action: 'broadcast', payload });
    this.transmit({ action: 'broadcastResult', payload });
  }
}
