// The `{event, payload, timestamp}` envelope CodeFactoryChannel and MissionChannel broadcast (key `event`, not
// `type`), as their Rails `build_message` / `broadcast_to_account` helpers build it.

import { isoNow } from '../application-channel';

/** One `event`-keyed message. */
export interface EventEnvelope<P = Record<string, unknown>> {
  event: string;
  payload: P;
  timestamp: string;
}

/** Build the envelope; `timestamp` defaults to now (whole seconds, `Z`), as `Time.current.iso8601` does. */
export function eventEnvelope<P>(event: string, payload: P, timestamp?: string): EventEnvelope<P> {
  return { event, payload, timestamp: timestamp ?? isoNow() };
}
