// Training-session events (the fork's additions): each goes to `trading_training_<session_id>` and
// `trading_training_account_<account_id>` (session_created: account stream only). WorkerDataChannel's tick reports
// publish `tick_update` and `completed` (publishers below); the lifecycle events (session_created, cancelled, paused,
// config_updated, emergency_halt, resumed, failed) are Rails' and schema-only — Rails also puts them on the workers'
// Redis pub/sub channel, whose message `publishTrainingWorkerEvent` builds.

import { z } from 'zod';
import { broadcaster, defineEvent, stream, type EventTarget } from '../../src/channel/index';
import { isoNow, iso } from '../application-channel';
import type { SidePublisher } from '../support/services';
import { jsonArray, jsonObject } from './extension-payloads';

/** The plain Redis pub/sub channel the worker's SessionEventListener subscribes to. */
export const TRAINING_SESSION_EVENTS = 'training_session_events';

/** `trading_training_{session_id}`: one training session. */
export const TrainingSessionStream = stream('trading_training_{session_id}', { description: 'One training session.' });
/** `trading_training_account_{account_id}`: every training session of an account. */
export const TrainingAccountStream = stream('trading_training_account_{account_id}', { description: 'Every training session of one account.' });

/** `trading_training_<session_id>`. */
export function trainingSessionStream(sessionId: string): string {
  return TrainingSessionStream.name({ session_id: sessionId });
}

/** `trading_training_account_<account_id>`. */
export function trainingAccountStream(accountId: string): string {
  return TrainingAccountStream.name({ account_id: accountId });
}

/** The training-session columns the events carry (jsonb columns as Prisma returns them). */
export interface TrainingSessionRecord {
  id: string;
  accountId: string;
  name: string;
  status: string;
  completedTicks: number;
  totalTicks: number;
  metrics: unknown;
  timeline: unknown;
  results: unknown;
  errorMessage: string | null;
  completedAt: Date | null;
}

/** `progress_pct`: completed over total ticks in percent, one decimal; 0 without a total. */
export function progressPct(s: Pick<TrainingSessionRecord, 'completedTicks' | 'totalTicks'>): number {
  if (!s.totalTicks || s.totalTicks <= 0) return 0;
  return Math.round((s.completedTicks / s.totalTicks) * 1000) / 10;
}

const BOTH = [TrainingSessionStream, TrainingAccountStream] as const;
const SessionId = z.string();
const Status = z.string();
const status = <N extends string>(name: N, summary: string) =>
  defineEvent({ name, delivery: ['broadcast'], streams: BOTH, stamp: true, summary, fields: { session_id: SessionId, status: Status } });

/** `session_created {session_id, name, status}` (account stream only). */
export const TrainingSessionCreated = defineEvent({
  name: 'session_created', delivery: ['broadcast'], streams: [TrainingAccountStream], stamp: true, summary: 'A training session was created (account stream only).',
  fields: { session_id: SessionId, name: z.string(), status: Status },
});
/** `tick_update {session_id, completed_ticks, total_ticks, progress_pct, metrics, timeline, status}`. */
export const TrainingTickUpdate = defineEvent({
  name: 'tick_update', delivery: ['broadcast'], streams: BOTH, stamp: true, summary: 'A recorded tick (WorkerDataChannel).',
  fields: {
    session_id: SessionId, completed_ticks: z.number(), total_ticks: z.number(), progress_pct: z.number(),
    metrics: z.record(z.string(), z.unknown()), timeline: z.array(z.unknown()), status: Status,
  },
});
/** `completed {session_id, status, results, completed_at}`. */
export const TrainingCompleted = defineEvent({
  name: 'completed', delivery: ['broadcast'], streams: BOTH, stamp: true, summary: 'The last tick was recorded (WorkerDataChannel).',
  fields: { session_id: SessionId, status: Status, results: z.record(z.string(), z.unknown()), completed_at: z.string().nullable() },
});
/** `failed {session_id, status, error_message}`. */
export const TrainingFailed = defineEvent({
  name: 'failed', delivery: ['broadcast'], streams: BOTH, stamp: true, summary: 'The session failed (also on the workers\' Redis channel).',
  fields: { session_id: SessionId, status: Status, error_message: z.string().nullable() },
});
/** `cancelled {session_id, status}`. */
export const TrainingCancelled = status('cancelled', "Also on the workers' Redis channel.");
/** `paused {session_id, status}`. */
export const TrainingPaused = status('paused', "Also on the workers' Redis channel.");
/** `emergency_halt {session_id, status}`. */
export const TrainingEmergencyHalt = status('emergency_halt', "Also on the workers' Redis channel.");
/** `resumed {session_id, status}`. */
export const TrainingResumed = status('resumed', "Also on the workers' Redis channel (the fork only broadcast it).");
/** `config_updated {session_id, changes}`. */
export const TrainingConfigUpdated = defineEvent({
  name: 'config_updated', delivery: ['broadcast'], streams: BOTH, stamp: true, summary: "Also on the workers' Redis channel, with the changes.",
  fields: { session_id: SessionId, changes: z.record(z.string(), z.unknown()) },
});
/** On subscribe: `{type:"subscribed", message, session_id, timestamp}` (`session_id` null for the account stream). */
export const TrainingSubscribed = defineEvent({
  name: 'subscribed', delivery: ['transmit'], stamp: true,
  fields: { message: z.literal('Connected to training session updates'), session_id: z.string().nullable() },
});

/** Every TradingTrainingChannel event (its `static events`). */
export const TRADING_TRAINING_EVENTS = [
  TrainingSessionCreated, TrainingTickUpdate, TrainingCompleted, TrainingFailed, TrainingCancelled, TrainingPaused,
  TrainingEmergencyHalt, TrainingResumed, TrainingConfigUpdated, TrainingSubscribed,
] as const;

const tickToSession = broadcaster(TrainingTickUpdate, TrainingSessionStream);
const tickToAccount = broadcaster(TrainingTickUpdate, TrainingAccountStream);
const completedToSession = broadcaster(TrainingCompleted, TrainingSessionStream);
const completedToAccount = broadcaster(TrainingCompleted, TrainingAccountStream);

/** `tick_update` from the session row to both streams (WorkerDataChannel's tick reports). */
export async function publishTrainingTickUpdate(b: EventTarget, s: TrainingSessionRecord): Promise<void> {
  const input = {
    session_id: s.id, completed_ticks: s.completedTicks, total_ticks: s.totalTicks, progress_pct: progressPct(s),
    metrics: jsonObject(s.metrics), timeline: jsonArray(s.timeline), status: s.status,
  };
  await Promise.all([tickToSession(b, { session_id: s.id }, input), tickToAccount(b, { account_id: s.accountId }, input)]);
}

/** `completed` from the session row to both streams (WorkerDataChannel, at the last tick). */
export async function publishTrainingCompleted(b: EventTarget, s: TrainingSessionRecord): Promise<void> {
  const input = { session_id: s.id, status: s.status, results: jsonObject(s.results), completed_at: iso(s.completedAt) };
  await Promise.all([completedToSession(b, { session_id: s.id }, input), completedToAccount(b, { account_id: s.accountId }, input)]);
}

/** The fork's `publish_worker_event` on Redis: `{session_id, event, timestamp, …extra}`; a Redis failure never fails the caller. */
export async function publishTrainingWorkerEvent(side: SidePublisher | null, sessionId: string, event: string, extra: Record<string, unknown> = {}): Promise<boolean> {
  if (!side) return false;
  return side.publish(TRAINING_SESSION_EVENTS, { session_id: sessionId, event, timestamp: isoNow(), ...extra }).then(
    () => true,
    () => false,
  );
}
