// MissionChannel publishers: stream names `mission:<type>:<id>` and one typed function per event. Every mission
// event goes to the mission's stream and to its account's stream (the missions list page listens there).

import type { AiMission } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { eventEnvelope } from './event-envelope';

/** The resource types a MissionChannel subscription names. */
export type MissionStreamType = 'mission' | 'account';

/** `mission:<type>:<id>` (Rails `MissionChannel.stream_key`). */
export function missionStream(type: MissionStreamType, id: string): string {
  return `mission:${type}:${id}`;
}

/** What every mission publisher needs: the mission and its account. */
export type MissionRef = Pick<AiMission, 'id' | 'accountId'>;
/** A mission with the fields status/phase events carry. */
export type MissionState = Pick<AiMission, 'id' | 'accountId' | 'status' | 'currentPhase'>;

/** Publish `{event, payload, timestamp}` to the mission's stream and its account's stream. */
export async function publishMissionEvent(b: Broadcaster, mission: MissionRef, event: string, payload: Record<string, unknown>): Promise<void> {
  const message = eventEnvelope(event, payload);
  await b.broadcast(missionStream('mission', mission.id), message);
  await b.broadcast(missionStream('account', mission.accountId), message);
}

/** Rails `MissionChannel.broadcast_to_account`: an account-only event, optionally with its own timestamp. */
export function publishMissionAccountEvent(b: Broadcaster, accountId: string, event: string, payload: Record<string, unknown>, timestamp?: string): Promise<void> {
  return b.broadcast(missionStream('account', accountId), eventEnvelope(event, payload, timestamp));
}

/** `status_changed {mission_id, status, current_phase}` (Ai::Mission after a status change). */
export function publishMissionStatusChanged(b: Broadcaster, m: MissionState): Promise<void> {
  return publishMissionEvent(b, m, 'status_changed', { mission_id: m.id, status: m.status, current_phase: m.currentPhase });
}

/** `phase_changed {mission_id, status, current_phase, phase_progress}` (Ai::Mission after a phase change). */
export function publishMissionPhaseChanged(b: Broadcaster, m: MissionState & Pick<AiMission, 'phaseProgress'>): Promise<void> {
  const payload = { mission_id: m.id, status: m.status, current_phase: m.currentPhase, phase_progress: m.phaseProgress ?? null };
  return publishMissionEvent(b, m, 'phase_changed', payload);
}

/** A Ralph task's status transition, as Ai::RalphTask reports it. */
export interface TaskStatusChange {
  taskId: string;
  taskKey: string | null;
  status: string;
  previousStatus: string | null;
  executionType: string | null;
  phase: string | null;
}

/** `task_status_changed {task_id, task_key, status, previous_status, execution_type, phase}`. */
export function publishTaskStatusChanged(b: Broadcaster, m: MissionRef, t: TaskStatusChange): Promise<void> {
  const payload = { task_id: t.taskId, task_key: t.taskKey, status: t.status, previous_status: t.previousStatus, execution_type: t.executionType, phase: t.phase };
  return publishMissionEvent(b, m, 'task_status_changed', payload);
}

/** `deployed {mission_id, url, port, container_id}` (AppLaunchService#record_deployment!). */
export function publishMissionDeployed(b: Broadcaster, m: MissionRef, d: { url: string; port: number | null; containerId: string }): Promise<void> {
  return publishMissionEvent(b, m, 'deployed', { mission_id: m.id, url: d.url, port: d.port, container_id: d.containerId });
}

/** `pr_created {mission_id, pr_number, pr_url}` (PrManagementService#create_pr!). */
export function publishMissionPrCreated(b: Broadcaster, m: MissionRef, pr: { number: number; url: string }): Promise<void> {
  return publishMissionEvent(b, m, 'pr_created', { mission_id: m.id, pr_number: pr.number, pr_url: pr.url });
}

/** `approval_required {mission_id, gate, status, current_phase}`: the mission waits at an approval gate. */
export function publishMissionApprovalRequired(b: Broadcaster, m: MissionState, gate: string): Promise<void> {
  return publishMissionEvent(b, m, 'approval_required', { mission_id: m.id, gate, status: m.status, current_phase: m.currentPhase });
}

/** An approval decision (Ai::MissionApproval: gate, decision approved|rejected, comment). */
export interface MissionApprovalDecision {
  id: string;
  gate: string;
  decision: 'approved' | 'rejected';
  comment: string | null;
}

/** `approval_resolved {mission_id, approval_id, gate, decision, comment, status, current_phase}`. */
export function publishMissionApprovalResolved(b: Broadcaster, m: MissionState, a: MissionApprovalDecision): Promise<void> {
  const payload = { mission_id: m.id, approval_id: a.id, gate: a.gate, decision: a.decision, comment: a.comment, status: m.status, current_phase: m.currentPhase };
  return publishMissionEvent(b, m, 'approval_resolved', payload);
}

/** `error {mission_id, error, current_phase}`: a mission phase failed. */
export function publishMissionError(b: Broadcaster, m: Pick<AiMission, 'id' | 'accountId' | 'currentPhase'>, error: string): Promise<void> {
  return publishMissionEvent(b, m, 'error', { mission_id: m.id, error, current_phase: m.currentPhase });
}
