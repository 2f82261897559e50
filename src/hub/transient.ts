// TransientBus: whispers and presence events (AnyCable's transient broadcasts). They go to this process's
// subscribers at once and, once shared, to every other node through one process-wide pub/sub stream
// (`__cable_transient__`) of the plain adapter, so they never enter stream history and never reach what Rails
// subscribes to. An envelope names the node it came from; a node ignores its own (it delivered them already, with
// the sender excluded).

import { randomBytes } from 'node:crypto';
import { errorText } from '../errors';
import type { Logger } from '../log/logger';
import type { PubSubAdapter } from '../pubsub/adapter';

/** The pub/sub stream every node's transient messages travel on. */
export const TRANSIENT_STREAM = '__cable_transient__';

/** A whisper (a data frame to the other subscribers) or a presence event. */
export type TransientKind = 'whisper' | 'presence';

/** Delivers a transient message locally; `from` (the sender) is skipped. */
export type TransientDelivery<S> = (stream: string, kind: TransientKind, payload: string, from?: S) => void;

interface Envelope {
  n: string;
  s: string;
  k: TransientKind;
  d: string;
}

/** Local delivery plus, when shared, the other nodes. */
export class TransientBus<S = unknown> {
  private readonly node = randomBytes(6).toString('base64url');
  private plain: PubSubAdapter | undefined;
  private readonly onEnvelope = (text: string): void => this.receive(text);

  constructor(private readonly deliver: TransientDelivery<S>, private readonly logger: Logger) {}

  /** Share transient messages with every node through `plain` (a pub/sub without history); resolves once subscribed. */
  async share(plain: PubSubAdapter): Promise<void> {
    this.plain = plain;
    await plain.subscribe(TRANSIENT_STREAM, this.onEnvelope);
  }

  /** Stop sharing. */
  async stop(): Promise<void> {
    const plain = this.plain;
    this.plain = undefined;
    await plain?.unsubscribe(TRANSIENT_STREAM, this.onEnvelope).catch(() => undefined);
  }

  /** Send `payload` (JSON text) on `stream` to every subscriber here and on the other nodes, except `from`. */
  async publish(stream: string, kind: TransientKind, payload: string, from?: S): Promise<void> {
    this.deliver(stream, kind, payload, from);
    if (!this.plain) return;
    const envelope: Envelope = { n: this.node, s: stream, k: kind, d: payload };
    try {
      await this.plain.broadcast(TRANSIENT_STREAM, JSON.stringify(envelope));
    } catch (err) {
      // Transient by definition: the local subscribers have it, the other nodes miss this one.
      this.logger.warn('transient message not shared with other nodes', { code: 'CABLE_PUBSUB_UNAVAILABLE', err: errorText(err) });
    }
  }

  private receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return this.logger.warn('malformed transient envelope dropped', { code: 'CABLE_MALFORMED_PAYLOAD' });
    }
    if (envelope.n === this.node || typeof envelope.s !== 'string' || typeof envelope.d !== 'string') return;
    if (envelope.k !== 'whisper' && envelope.k !== 'presence') return;
    this.deliver(envelope.s, envelope.k, envelope.d);
  }
}
