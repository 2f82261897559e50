// Training-session events (the fork's additions): each goes to
// `trading_training_<session_id>` and `trading_training_account_<account_id>` (session_created: account stream only);
// the six lifecycle events (session_created, cancelled, paused, config_updated, emergency_halt, resumed) and failed
// also go to the workers' Redis pub/sub channel.

import { isoNow, iso } from '../application-channel';
import type { Broadcaster, SidePublisher } from '../support/services';
import { jsonArray, jsonObject } from './extension-payloads';

/** The plain Redis pub/sub channel the worker's SessionEventListener subscribes to. */
export const TRAINING_SESSION_EVENTS = 'training_session_events';

/** `trading_training_<session_id>`. */
export function trainingSessionStream(sessionId: string): string {
  return `trading_training_${sessionId}`;
}

/** `trading_training_account_<account_id>`. */
export function trainingAccountStream(accountId: string): string {
  return `trading_training_account_${accountId}`;
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

async function toBoth(b: Broadcaster, s: TrainingSessionRecord, message: Record<string, unknown>): Promise<void> {
  await Promise.all([b.broadcast(trainingSessionStream(s.id), message), b.broadcast(trainingAccountStream(s.accountId), message)]);
}

/** The fork's `publish_worker_event`: `{session_id, event, timestamp, …extra}`; a Redis failure never fails the caller. */
export async function publishTrainingWorkerEvent(side: SidePublisher | null, sessionId: string, event: string, extra: Record<string, unknown> = {}): Promise<boolean> {
  if (!side) return false;
  return side.publish(TRAINING_SESSION_EVENTS, { session_id: sessionId, event, timestamp: isoNow(), ...extra }).then(
    () => true,
    () => false,
  );
}

/** `session_created {session_id, name, status}` (account stream only); also published to the workers. */
export async function publishTrainingSessionCreated(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  await b.broadcast(trainingAccountStream(s.accountId), { type: 'session_created', session_id: s.id, name: s.name, status: s.status, timestamp: isoNow() });
  await publishTrainingWorkerEvent(side, s.id, 'session_created');
}

/** `tick_update {session_id, completed_ticks, total_ticks, progress_pct, metrics, timeline, status}`. */
export function publishTrainingTickUpdate(b: Broadcaster, s: TrainingSessionRecord): Promise<void> {
  return toBoth(b, s, {
    type: 'tick_update', session_id: s.id, completed_ticks: s.completedTicks, total_ticks: s.totalTicks, progress_pct: progressPct(s),
    metrics: jsonObject(s.metrics), timeline: jsonArray(s.timeline), status: s.status, timestamp: isoNow(),
  });
}

/** `completed {session_id, status, results, completed_at}`. */
export function publishTrainingCompleted(b: Broadcaster, s: TrainingSessionRecord): Promise<void> {
  return toBoth(b, s, { type: 'completed', session_id: s.id, status: s.status, results: jsonObject(s.results), completed_at: iso(s.completedAt), timestamp: isoNow() });
}

/** `failed {session_id, status, error_message}`; also published to the workers. */
export async function publishTrainingFailed(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  await toBoth(b, s, { type: 'failed', session_id: s.id, status: s.status, error_message: s.errorMessage, timestamp: isoNow() });
  await publishTrainingWorkerEvent(side, s.id, 'failed');
}

async function statusEvent(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord, type: string): Promise<void> {
  await toBoth(b, s, { type, session_id: s.id, status: s.status, timestamp: isoNow() });
  await publishTrainingWorkerEvent(side, s.id, type);
}

/** `cancelled {session_id, status}`; also published to the workers. */
export function publishTrainingCancelled(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  return statusEvent(b, side, s, 'cancelled');
}

/** `paused {session_id, status}`; also published to the workers. */
export function publishTrainingPaused(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  return statusEvent(b, side, s, 'paused');
}

/** `emergency_halt {session_id, status}`; also published to the workers. */
export function publishTrainingEmergencyHalt(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  return statusEvent(b, side, s, 'emergency_halt');
}

/** `resumed {session_id, status}`; also published to the workers (the fork only broadcast it). */
export function publishTrainingResumed(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord): Promise<void> {
  return statusEvent(b, side, s, 'resumed');
}

/** `config_updated {session_id, changes}`; also published to the workers with the changes. */
export async function publishTrainingConfigUpdated(b: Broadcaster, side: SidePublisher | null, s: TrainingSessionRecord, changes: Record<string, unknown>): Promise<void> {
  await toBoth(b, s, { type: 'config_updated', session_id: s.id, changes, timestamp: isoNow() });
  await publishTrainingWorkerEvent(side, s.id, 'config_updated', { changes });
}
