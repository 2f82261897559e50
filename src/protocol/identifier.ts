// Identifier handling: the raw string is the subscription key and is echoed byte-for-byte;
// parsing only extracts the channel name and params (the whole decoded object, `channel` included, as Rails).

import { ProtocolError } from '../errors';
import { DEFAULT_MAX_JSON_DEPTH, parseBoundedJson } from './json-depth';

/** A parsed identifier: the channel name and the params object. */
export interface ParsedIdentifier {
  channel: string;
  params: Record<string, unknown>;
}

/**
 * Parse an identifier string; throws ProtocolError(CABLE_INVALID_IDENTIFIER) when it is not `{"channel":"…",…}`,
 * CABLE_JSON_TOO_DEEP when it nests deeper than `maxDepth`.
 */
export function parseIdentifier(raw: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): ParsedIdentifier {
  let value: unknown;
  try {
    value = parseBoundedJson(raw, maxDepth);
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('CABLE_INVALID_IDENTIFIER', 'identifier is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('CABLE_INVALID_IDENTIFIER', 'identifier is not a JSON object');
  }
  const params = value as Record<string, unknown>;
  if (typeof params.channel !== 'string' || params.channel.length === 0) {
    throw new ProtocolError('CABLE_INVALID_IDENTIFIER', 'identifier has no string channel');
  }
  return { channel: params.channel, params };
}
