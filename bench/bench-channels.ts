// Bench-only channels, served only by bench/server-entry.ts: an account-scoped channel (the storm and idle-memory
// scenarios) and a channel streaming one stream named by its params (the many-streams scenario).

import { z } from 'zod';
import { ApplicationChannel } from '../channels/application-channel';

/** `bench_account:<accountId>` for the connected user's account; authorization comes from the connect identity. */
export class BenchAccountChannel extends ApplicationChannel {
  static override channel = 'BenchAccountChannel';

  override subscribed(): void {
    this.streamFrom(`bench_account:${this.accountId}`);
  }
}

const StreamParams = z.looseObject({ stream: z.string().regex(/^[\w-]{1,64}$/) });

/** `bench_stream:<stream>`: one stream per subscriber in the many-streams scenario. */
export class BenchStreamChannel extends ApplicationChannel<z.infer<typeof StreamParams>> {
  static override channel = 'BenchStreamChannel';
  static override accepts = 'any' as const;
  static override params = StreamParams;

  override subscribed(): void {
    this.streamFrom(benchStream(this.params.stream));
  }
}

/** The pub/sub stream of BenchStreamChannel with `{"stream": name}`. */
export function benchStream(name: string): string {
  return `bench_stream:${name}`;
}

/** Every bench-only channel class. */
export const BENCH_CHANNELS = [BenchAccountChannel, BenchStreamChannel];
