// One copy of each subscription identifier per process: the identifier string a client sent (decoded from its frame,
// so a fresh string per subscribe), its quoted form (the JSON literal every frame of the subscription carries) and
// its decoded params (frozen) are kept once and shared by every subscription of that identifier, instead of once per
// subscription. The table is a cache bounded by the characters it holds: identifiers are client input, and a client
// cycling through new ones only makes it start over (a subscription keeps what it was given).

import { quoteIdentifier } from '../protocol/codec';
import { parseIdentifier, type ParsedIdentifier } from '../protocol/identifier';

/** An identifier and its quoted form, shared; its decoded params once a subscription needed them. */
export interface SharedIdentifier {
  readonly identifier: string;
  readonly quoted: string;
  /** The identifier decoded under a JSON depth limit (frozen), once it was valid under that limit. */
  parsed?: { readonly depth: number; readonly value: ParsedIdentifier };
}

/** Characters the table may hold (identifier plus quoted form) before it starts over: about 8 MB of strings at most. */
const MAX_CHARS = 4 * 2 ** 20;

const table = new Map<string, SharedIdentifier>();
let chars = 0;

/** The shared copy of `identifier` (and its quoted form), made on first sight. */
export function sharedIdentifier(identifier: string): SharedIdentifier {
  const known = table.get(identifier);
  if (known) return known;
  const shared = { identifier, quoted: quoteIdentifier(identifier) };
  chars += identifier.length + shared.quoted.length;
  if (chars > MAX_CHARS) {
    table.clear();
    chars = identifier.length + shared.quoted.length;
  }
  table.set(identifier, shared);
  return shared;
}

/** The identifier decoded (throws as parseIdentifier does), its params frozen and shared by every subscription of it. */
export function parsedIdentifier(shared: SharedIdentifier, depth: number): ParsedIdentifier {
  if (shared.parsed?.depth === depth) return shared.parsed.value;
  const value = parseIdentifier(shared.identifier, depth);
  deepFreeze(value.params);
  shared.parsed = { depth, value };
  return value;
}

/** Freeze decoded JSON all the way down (it is shared: no subscription may change another's params). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
