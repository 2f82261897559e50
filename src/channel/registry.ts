// ChannelRegistry: the explicit `channel` name → class map (never constructor.name), validated at boot so that
// every entry of an action table has a method behind it.

import { actionSpecs } from './actions';
import type { ChannelClass } from './base';

/** Looks channel classes up by their protocol `channel` name. */
export class ChannelRegistry {
  private readonly classes = new Map<string, ChannelClass>();

  constructor(classes: readonly ChannelClass[] = []) {
    for (const cls of classes) this.register(cls);
  }

  /** Add a class; throws on a missing or duplicate `channel` name or an action without a method. */
  register(cls: ChannelClass): void {
    if (!cls.channel) throw new Error(`channel class ${cls.name} has no static channel`);
    if (this.classes.has(cls.channel)) throw new Error(`channel ${cls.channel} registered twice`);
    for (const [action, spec] of actionSpecs(cls.actions)) {
      if (typeof (cls.prototype as unknown as Record<string, unknown>)[spec.handler] !== 'function') {
        throw new Error(`${cls.channel}: action ${action} has no method ${spec.handler}`);
      }
    }
    this.classes.set(cls.channel, cls);
  }

  /** The class registered as `channel`, if any. */
  lookup(channel: string): ChannelClass | undefined {
    return this.classes.get(channel);
  }

  /** Every registered class. */
  all(): ChannelClass[] {
    return [...this.classes.values()];
  }
}
