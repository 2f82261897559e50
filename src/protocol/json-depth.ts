// Linear pre-scan of JSON text for its nesting depth, run before JSON.parse on anything a client sends: parsing
// megabytes of `[[[[…` costs the event loop hundreds of milliseconds, the scan stops after `max + 1` brackets.
// Works on UTF-8 bytes and on strings alike (every byte it looks at is ASCII). Pure.

import { ProtocolError } from '../errors';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const OPEN_ARRAY = 91;
const CLOSE_OBJECT = 125;
const CLOSE_ARRAY = 93;

/** Default deepest nesting accepted (Ruby's JSON stops at 100; CABLE_MAX_JSON_DEPTH). */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** Whether the JSON text `text` (string or UTF-8 bytes) nests arrays and objects deeper than `max`. */
export function exceedsDepth(text: string | Uint8Array, max: number): boolean {
  const bytes = typeof text !== 'string';
  const n = text.length;
  let depth = 0;
  for (let i = 0; i < n; i += 1) {
    const c = bytes ? (text[i] as number) : text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i + 1);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if ((depth += 1) > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth -= 1;
  }
  return false;
}

/** Index of the quote closing the string that starts at `from` (or the end): native indexOf jumps over the contents. */
function stringEnd(text: string | Uint8Array, from: number): number {
  for (let at = from; ; ) {
    const q = typeof text === 'string' ? text.indexOf('"', at) : text.indexOf(QUOTE, at);
    if (q < 0) return text.length;
    // A quote preceded by an odd run of backslashes is escaped.
    let slashes = 0;
    while (q - slashes - 1 >= from && (typeof text === 'string' ? text.charCodeAt(q - slashes - 1) : text[q - slashes - 1]) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return q;
    at = q + 1;
  }
}

/** JSON.parse after the depth pre-scan; throws ProtocolError(CABLE_JSON_TOO_DEEP) above `max`, SyntaxError when not JSON. */
export function parseBoundedJson(text: string, max: number): unknown {
  if (exceedsDepth(text, max)) throw new ProtocolError('CABLE_JSON_TOO_DEEP', `JSON nested deeper than ${max}`);
  return JSON.parse(text);
}
