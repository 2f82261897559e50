// Action tables (Rails' public-method dispatch made explicit): each entry is the zod schema of an action's data, or
// that schema and the name of the method that handles it. Nothing outside a channel's table can be invoked.

import type { ZodType } from 'zod';

/** An action served by a method of another name (one named like a framework method, or one method for several actions). */
export interface ActionSpec {
  /** Schema of the action's data (the whole data object, `action` included). */
  readonly schema: ZodType;
  /** Name of the method called with the validated data and the action name. */
  readonly handler: string;
}

/** One entry of an action table: a schema (handled by the method of the same name) or a spec naming the handler. */
export type ActionEntry = ZodType | ActionSpec;

/** The action table: action name → entry. */
export type ActionTable = Readonly<Record<string, ActionEntry>>;

/** The action a message names: `data.action` when it is a non-empty string, otherwise `receive` (as Rails). */
export function actionName(data: Readonly<Record<string, unknown>>): string {
  return typeof data.action === 'string' && data.action !== '' ? data.action : 'receive';
}

/** The spec of `action` in `table` (own entries only, so `constructor` or `__proto__` never resolve). */
export function resolveAction(table: ActionTable, action: string): ActionSpec | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, action)) return undefined;
  const entry = table[action] as ActionEntry;
  return isSpec(entry) ? entry : { schema: entry, handler: action };
}

/** Every action of `table` with its spec, in table order. */
export function actionSpecs(table: ActionTable): Array<[string, ActionSpec]> {
  return Object.keys(table).map((action) => [action, resolveAction(table, action) as ActionSpec]);
}

function isSpec(entry: ActionEntry): entry is ActionSpec {
  return typeof (entry as ActionSpec).handler === 'string' && typeof (entry as ZodType).safeParse !== 'function';
}
