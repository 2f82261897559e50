// ChannelRegistry: the explicit identifier → class map (never constructor.name), validated at boot so that
// every entry of an action table has a method behind it.

import type { ChannelClass } from './base';

/** Looks channel classes up by their protocol identifier. */
export class ChannelRegistry {
  private readonly classes = new Map<string, ChannelClass>();

  constructor(classes: readonly ChannelClass[] = []) {
    for (const cls of classes) this.register(cls);
  }

  /** Add a class; throws on a duplicate identifier or an action without a method. */
  register(cls: ChannelClass): void {
    if (!cls.identifier) throw new Error(`channel class ${cls.name} has no static identifier`);
    if (this.classes.has(cls.identifier)) throw new Error(`channel ${cls.identifier} registered twice`);
    for (const action of Object.keys(cls.actions)) {
      if (typeof (cls.prototype as unknown as Record<string, unknown>)[action] !== 'function') {
        throw new Error(`${cls.identifier}: action ${action} has no method`);
      }
    }
    this.classes.set(cls.identifier, cls);
  }

  /** The class for `identifier`, if registered. */
  lookup(identifier: string): ChannelClass | undefined {
    return this.classes.get(identifier);
  }

  /** Every registered class. */
  all(): ChannelClass[] {
    return [...this.classes.values()];
  }
}
