// Every conformance session, in the order they run and are reported, and the choice of which run.

import { badInput, broadcastOrder, echo, jsonEncoding, largeFrame } from './message-sessions';
import type { Session } from './session-kit';
import { duplicateSubscribe, identifierOrder, unknownChannel, unsubscribe, welcomePing } from './subscription-sessions';
import { plainGet, rawPublish, subprotocols, unauthorized } from './transport-sessions';

/** All sessions, in report order. */
export const SESSIONS: Session[] = [
  welcomePing,
  identifierOrder,
  duplicateSubscribe,
  unknownChannel,
  echo,
  jsonEncoding,
  broadcastOrder,
  badInput,
  unsubscribe,
  unauthorized,
  subprotocols,
  plainGet,
  rawPublish,
  largeFrame,
];

/** The sessions to run: those named in `only` (all when undefined), Redis-only ones only when both use Redis. */
export function selectSessions(only: string[] | undefined, redis: boolean): Session[] {
  return SESSIONS.filter((s) => (!only || only.includes(s.name)) && (redis || !s.redisOnly));
}
