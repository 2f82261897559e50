// OperatorChannel (this server's own, no Powernode counterpart): the live feed of the operator dashboard
// (GET /dashboard). Requires `system.admin` — a user holding it, or the dashboard session of the operator key — and
// transmits the server's figures on subscribe and every few seconds after (`snapshot`), read through
// `services.operator` from the same counters as /metrics; `disconnect` closes a user's or worker's sockets on every
// node the way POST /_disconnect does. No streams: every frame is this connection's own.

import { z } from 'zod';
import { SYSTEM_ADMIN } from '../../src/auth/identity';
import { defineEvent, eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';

const Params = z.looseObject({});
const NoData = z.looseObject({});
const Disconnect = z.union([
  z.looseObject({ user_id: z.string().min(1).max(100), reconnect: z.boolean().optional() }),
  z.looseObject({ worker_id: z.string().min(1).max(100), reconnect: z.boolean().optional() }),
]);

const Count = z.number().int().nonnegative();
/** The node's figures (CableMetrics.snapshot, CableServer.roster, Hub.busiestStreams); docs/channels.md lists every key. */
const Snapshot = z.looseObject({
  connections: z.looseObject({ user: Count, worker: Count, pending: Count }),
  subscriptions: z.record(z.string(), Count),
  busiestStreams: z.array(z.looseObject({ stream: z.string() })),
  series: z.array(z.looseObject({ t: z.number() })),
  pubsubHealthy: z.boolean(),
  disconnects: z.record(z.string(), Count),
  recentRejections: z.array(z.looseObject({ channel: z.string() })),
});

/** `{type:"snapshot", snapshot}`: on subscribe, every few seconds, and in reply to `refresh`. */
export const OperatorSnapshot = defineEvent({ name: 'snapshot', delivery: ['transmit', 'reply'], replyTo: ['refresh'], fields: { snapshot: Snapshot } });
/** `{type:"disconnect_requested", kind, id, stream}` once the remote disconnect is published. */
export const DisconnectRequested = defineEvent({
  name: 'disconnect_requested', delivery: ['reply'], replyTo: ['disconnect'], fields: { kind: z.enum(['user', 'worker']), id: z.string(), stream: z.string() },
});
/** `{type:"error", message, action}` when an action failed. */
export const OperatorError = defineEvent({ name: 'error', delivery: ['reply'], replyTo: ['refresh', 'disconnect'], fields: { message: z.string(), action: z.string() } });

/** The operator dashboard's feed: figures of this node and remote disconnects, for `system.admin` only. */
export class OperatorChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'OperatorChannel';
  static override params = Params;
  static override acceptsOperator = true;
  static override actions = { refresh: NoData, disconnect: Disconnect };
  static events = [OperatorSnapshot, DisconnectRequested, OperatorError];

  override async subscribed(): Promise<void> {
    const feed = this.services.operator;
    // The operator key's sessions always; system.admin users unless CABLE_DASHBOARD=key.
    if (!feed || !(this.identity.operator || (feed.admins && this.can(SYSTEM_ADMIN)))) {
      this.logger.warn('operator feed refused', { code: 'CABLE_SUBSCRIPTION_REFUSED' });
      return this.reject();
    }
    await this.refresh();
    this.periodically(() => this.refresh(), feed.intervalMs);
  }

  /** `refresh` → `{type:"snapshot", snapshot}` now (it also comes every few seconds by itself). */
  async refresh(): Promise<void> {
    const feed = this.services.operator;
    if (feed) this.transmit(eventMessage(OperatorSnapshot, { snapshot: (await feed.snapshot()) as z.input<typeof Snapshot> }));
  }

  /**
   * `disconnect {user_id | worker_id, reconnect?}` → `{type:"disconnect_requested", kind, id, stream}` once published.
   * Only a subscriber can perform it, and subscribing takes `system.admin`.
   */
  async disconnect(data: z.infer<typeof Disconnect>): Promise<void> {
    const feed = this.services.operator;
    if (!feed) return;
    const kind = typeof data.user_id === 'string' ? 'user' : 'worker';
    const id = String(kind === 'user' ? data.user_id : data.worker_id);
    this.logger.info('operator disconnect', { kind, id });
    const stream = await feed.disconnect(kind, id, data.reconnect ?? true);
    this.transmit(eventMessage(DisconnectRequested, { kind, id, stream }));
  }

  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    this.transmit(eventMessage(OperatorError, { message: 'Request failed', action }));
  }
}
