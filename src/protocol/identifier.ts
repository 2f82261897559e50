// Identifier handling: the raw string is the subscription key and is echoed byte-for-byte (protocol.md §1.5);
// parsing only extracts the channel name and params (the whole decoded object, `channel` included, as Rails).

import { ProtocolError } from '../errors';

/** A parsed identifier: the channel name and the params object. */
export interface ParsedIdentifier {
  channel: string;
  params: Record<string, unknown>;
}

/** Parse an identifier string; throws ProtocolError(CABLE_INVALID_IDENTIFIER) when it is not `{"channel":"…",…}`. */
export function parseIdentifier(raw: string): ParsedIdentifier {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
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
