// The client commands of one connection (Rails Connection::Base#dispatch_websocket_message): decode a frame, then
// subscribe / unsubscribe / message / history / ping, each applied from the Subscriptions' CommandResult. History on
// subscribe (ext protocol) holds the subscription's live frames from the moment its streams attach until the replay
// ends, so each message reaches the client once and in order.

import type { HistoryReader } from '../broker/broker';
import { CableError } from '../errors';
import type { Logger } from '../log/logger';
import { decodeCommand, encodePong, IGNORED } from '../protocol/codec';
import type { ClientCommand, HistoryRequest, PresenceRequest } from '../protocol/messages';
import type { Channel } from '../channel/base';
import type { CatchUp } from './catch-up';
import { replayHistory } from './history';
import type { SessionRecovery, RecoveryOwner } from './session-recovery';
import type { CommandResult, Subscriptions } from './subscriptions';
import type { ConnectionMetrics } from './types';

/** What command handling needs from its connection. */
export interface CommandContext {
  readonly ext: boolean;
  readonly logger: Logger;
  readonly catchUp: CatchUp;
  readonly subscriptions: Subscriptions;
  readonly recovery: SessionRecovery<RecoveryOwner> | undefined;
  readonly history: HistoryReader | undefined;
  readonly metrics: ConnectionMetrics | undefined;
  /** Write a frame for this connection only. */
  transmitFrame(text: string): void;
}

/** Decode one client frame and run it; bad frames are logged and ignored (never answered, as in Rails). */
export async function runFrame(ctx: CommandContext, raw: string): Promise<void> {
  let cmd: ClientCommand | typeof IGNORED;
  try {
    cmd = decodeCommand(raw, { ext: ctx.ext });
    ctx.metrics?.command(cmd === IGNORED ? 'keepalive' : cmd.command);
  } catch (err) {
    ctx.metrics?.command('invalid');
    ctx.logger.warn('bad frame ignored', { code: err instanceof CableError ? err.code : 'CABLE_MALFORMED_COMMAND', reason: (err as Error).message });
    return;
  }
  if (cmd !== IGNORED) await execute(ctx, cmd);
}

async function execute(ctx: CommandContext, cmd: ClientCommand): Promise<void> {
  switch (cmd.command) {
    case 'subscribe':
      return subscribe(ctx, cmd.identifier, cmd.history, cmd.presence);
    case 'unsubscribe':
      ctx.catchUp.forget(cmd.identifier);
      ctx.recovery?.settled(cmd.identifier);
      apply(ctx, await ctx.subscriptions.unsubscribe(cmd.identifier));
      return ctx.recovery?.persist();
    case 'message':
      return apply(ctx, await ctx.subscriptions.perform(cmd.identifier, cmd.data));
    // The codec yields ping, pong and history only on the ext protocol (for plain clients they are unknown, as in Rails).
    case 'ping':
      return ctx.transmitFrame(encodePong());
    case 'pong':
      return;
    case 'history':
      return replay(ctx, cmd.identifier, cmd.history);
    case 'whisper':
      return transient(ctx, cmd.identifier, cmd.command, (channel) => channel.whisperCommand(cmd.data));
    case 'join':
      return transient(ctx, cmd.identifier, cmd.command, (channel) => channel.joinCommand(cmd.presence));
    case 'leave':
      return transient(ctx, cmd.identifier, cmd.command, (channel) => channel.leaveCommand());
    case 'presence':
      return transient(ctx, cmd.identifier, cmd.command, (channel) => channel.presenceCommand());
  }
}

/** Run a whisper or presence command on its subscription; a store failure is logged, never answered. */
async function transient(ctx: CommandContext, identifier: string, command: string, run: (channel: Channel) => Promise<void>): Promise<void> {
  const channel = ctx.subscriptions.get(identifier);
  if (!channel) return ctx.logger.warn(`${command} for unknown subscription`, { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
  try {
    await run(channel);
  } catch (err) {
    ctx.logger.warn(`${command} failed`, { code: 'CABLE_PUBSUB_UNAVAILABLE', err: err instanceof Error ? err.message : String(err) });
  }
}

async function subscribe(ctx: CommandContext, identifier: string, history: HistoryRequest | undefined, presence: PresenceRequest | undefined): Promise<void> {
  const catchingUp = history !== undefined && !ctx.subscriptions.get(identifier);
  if (catchingUp) ctx.catchUp.hold(identifier);
  const result = await ctx.subscriptions.subscribe(identifier);
  apply(ctx, result);
  if (result.outcome === 'confirmed') ctx.recovery?.persist();
  // An ext client resubscribing after a reconnect carries its presence: join again (AnyCable client behaviour).
  if (presence && result.outcome === 'confirmed') await transient(ctx, identifier, 'join', (channel) => channel.joinCommand(presence));
  if (catchingUp && result.outcome === 'confirmed') await replay(ctx, identifier, history as HistoryRequest);
  else if (catchingUp) ctx.catchUp.forget(identifier);
}

/** Write a command's frames in order (what its channel transmitted, then the confirmation or rejection). */
function apply(ctx: CommandContext, result: CommandResult): void {
  for (const frame of result.frames) ctx.transmitFrame(frame);
  if (result.streamsAdded.length > 0 || result.streamsRemoved.length > 0) ctx.logger.debug('streams changed', { added: result.streamsAdded, removed: result.streamsRemoved });
}

/** Replay a subscription's history; live frames it covers are dropped, the rest follow it in order. */
async function replay(ctx: CommandContext, identifier: string, request: HistoryRequest): Promise<void> {
  const channel = ctx.subscriptions.get(identifier);
  if (!channel) return ctx.logger.warn('history for unknown subscription', { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
  ctx.recovery?.settled(identifier);
  ctx.catchUp.hold(identifier);
  let covered: Awaited<ReturnType<typeof replayHistory>> = new Map();
  try {
    covered = await replayHistory(identifier, channel.streamNames, request, ctx.history, (text) => ctx.transmitFrame(text));
  } finally {
    // Synchronously after the last replayed frame: held live frames the replay covered are dropped, the rest follow.
    ctx.catchUp.release(identifier, covered);
  }
}
