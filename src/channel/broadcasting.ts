// Broadcasting names as Rails builds them: `<channel_name>:<part>:<part>`, where a model
// part is its GlobalID param (URL-safe base64, unpadded, of `gid://<app>/<Model>/<id>`) and anything else its string.

import { globalIdParam } from '../protocol/global-id';

/** A record that has a GlobalID (Rails `to_gid_param`). */
export interface GlobalIdentifiable {
  readonly gidModel: string;
  readonly id: string;
}

/** One part of a broadcasting name. */
export type BroadcastingPart = string | number | GlobalIdentifiable | readonly BroadcastingPart[];

export { globalIdParam };

/** A GlobalIdentifiable for `model`/`id`. */
export function gidOf(model: string, id: string): GlobalIdentifiable {
  return { gidModel: model, id };
}

function serialize(app: string, part: BroadcastingPart): string {
  if (Array.isArray(part)) return part.map((p: BroadcastingPart) => serialize(app, p)).join(':');
  if (typeof part === 'object' && part !== null) {
    const model = part as GlobalIdentifiable;
    return globalIdParam(app, model.gidModel, model.id);
  }
  return String(part);
}

/** Rails `Channel.broadcasting_for`: `broadcastingFor('server', 'notification', gidOf('Account', id))`. */
export function broadcastingFor(app: string, channel: string, ...parts: BroadcastingPart[]): string {
  return [channel, ...parts.map((p) => serialize(app, p))].join(':');
}

/** Where `broadcastTo` publishes: the GlobalID app of the names and the pub/sub broadcast (Rails `ActionCable.server`). */
export interface BroadcastTarget {
  readonly gidApp: string;
  broadcast(stream: string, message: unknown): Promise<void>;
}

/** Rails `Channel.broadcast_to(model, message)`: publish `message` to `<channel>:<model's part>` through `target`. */
export function broadcastTo(target: BroadcastTarget, channel: string, model: BroadcastingPart, message: unknown): Promise<void> {
  return target.broadcast(broadcastingFor(target.gidApp, channel, model), message);
}
