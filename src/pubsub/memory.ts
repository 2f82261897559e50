// In-process pub/sub (the default): delivery is synchronous within the broadcasting tick, in publish order.

import type { AdapterStatus, MessageHandler, PubSubAdapter } from './adapter';
import { SubscriberMap } from './subscriber-map';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';

/** Single-process adapter; cannot reach other processes. */
export class MemoryAdapter implements PubSubAdapter {
  readonly name = 'memory';
  private readonly map = new SubscriberMap();
  constructor(private readonly logger: Logger = silentLogger) {}

  async broadcast(stream: string, payload: string): Promise<void> {
    this.map.deliver(stream, payload, (err) => this.logger.error('pubsub handler failed', { stream, err }));
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    this.map.add(stream, handler);
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    this.map.remove(stream, handler);
  }

  status(): AdapterStatus {
    return { healthy: true };
  }

  async shutdown(): Promise<void> {
    this.map.clear();
  }
}
