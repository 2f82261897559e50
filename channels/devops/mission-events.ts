// MissionChannel events: `{event, payload, timestamp}` on `mission:mission:<id>` and `mission:account:<id>` (every
// mission event goes to both; the missions list page listens on the account stream). Rails publishes them (nothing
// here does), so they are schema-only: a TypeScript producer derives its publisher with `broadcaster(StatusChanged,
// MissionStream)` and `broadcaster(StatusChanged, MissionAccountStream)`.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';

/** The resource types a MissionChannel subscription names. */
export type MissionStreamType = 'mission' | 'account';

/** `mission:mission:{mission_id}`: one mission's events. */
export const MissionStream = stream('mission:mission:{mission_id}', { description: "One mission's lifecycle events." });
/** `mission:account:{account_id}`: every mission event of an account, plus account-only events (`mission_created`). */
export const MissionAccountStream = stream('mission:account:{account_id}', { description: 'Every mission event of one account.' });

/** `mission:<type>:<id>` (Rails `MissionChannel.stream_key`). */
export function missionStream(type: MissionStreamType, id: string): string {
  return type === 'mission' ? MissionStream.name({ mission_id: id }) : MissionAccountStream.name({ account_id: id });
}

const Id = z.string();
const Phase = z.string().nullable();
const BOTH = [MissionStream, MissionAccountStream] as const;

function missionEvent<N extends string, P extends z.ZodRawShape>(name: N, summary: string, payload: P) {
  return defineEvent({ name, key: 'event', delivery: ['broadcast'], streams: BOTH, stamp: true, summary, fields: { payload: z.object(payload) } });
}

/** `status_changed {mission_id, status, current_phase}` (Ai::Mission after a status change). */
export const MissionStatusChanged = missionEvent('status_changed', 'Ai::Mission after a status change.', { mission_id: Id, status: z.string(), current_phase: Phase });
/** `phase_changed {mission_id, status, current_phase, phase_progress}` (Ai::Mission after a phase change). */
export const MissionPhaseChanged = missionEvent('phase_changed', 'Ai::Mission after a phase change.', {
  mission_id: Id, status: z.string(), current_phase: Phase, phase_progress: z.unknown(),
});
/** `task_status_changed {task_id, task_key, status, previous_status, execution_type, phase}` (Ai::RalphTask). */
export const MissionTaskStatusChanged = missionEvent('task_status_changed', "A Ralph task's status transition.", {
  task_id: Id, task_key: z.string().nullable(), status: z.string(), previous_status: z.string().nullable(), execution_type: z.string().nullable(), phase: z.string().nullable(),
});
/** `deployed {mission_id, url, port, container_id}` (AppLaunchService#record_deployment!). */
export const MissionDeployed = missionEvent('deployed', 'AppLaunchService#record_deployment!.', { mission_id: Id, url: z.string(), port: z.number().nullable(), container_id: z.string() });
/** `pr_created {mission_id, pr_number, pr_url}` (PrManagementService#create_pr!). */
export const MissionPrCreated = missionEvent('pr_created', 'PrManagementService#create_pr!.', { mission_id: Id, pr_number: z.number(), pr_url: z.string() });
/** `approval_required {mission_id, gate, status, current_phase}`: the mission waits at an approval gate. */
export const MissionApprovalRequired = missionEvent('approval_required', 'The mission waits at an approval gate.', {
  mission_id: Id, gate: z.string(), status: z.string(), current_phase: Phase,
});
/** `approval_resolved {mission_id, approval_id, gate, decision, comment, status, current_phase}` (Ai::MissionApproval). */
export const MissionApprovalResolved = missionEvent('approval_resolved', 'An approval decision (Ai::MissionApproval).', {
  mission_id: Id, approval_id: Id, gate: z.string(), decision: z.enum(['approved', 'rejected']), comment: z.string().nullable(), status: z.string(), current_phase: Phase,
});
/** `error {mission_id, error, current_phase}`: a mission phase failed. */
export const MissionError = missionEvent('error', 'A mission phase failed.', { mission_id: Id, error: z.string(), current_phase: Phase });
/**
 * Any other `{event, payload, timestamp}`: Rails `MissionChannel.broadcast_to_account` (account stream only, e.g.
 * `mission_created`, with its own timestamp when given) or a mission event not listed above.
 */
export const MissionOtherEvent = defineEvent({
  name: 'other mission events', key: null, delivery: ['broadcast'], streams: BOTH, stamp: true,
  summary: 'Any other {event, payload, timestamp}: Rails broadcast_to_account (account stream only, e.g. mission_created) or an unlisted mission event.',
  fields: { event: z.string(), payload: z.record(z.string(), z.unknown()) },
});

/** Every MissionChannel event (its `static events`). */
export const MISSION_EVENTS = [
  MissionStatusChanged, MissionPhaseChanged, MissionTaskStatusChanged, MissionDeployed, MissionPrCreated,
  MissionApprovalRequired, MissionApprovalResolved, MissionError, MissionOtherEvent,
] as const;
