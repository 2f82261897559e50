// Payloads and publishers of AiWorkflowOrchestrationChannel (docs/channels.md): workflow and run replies, and the lock,
// unlock and collaborative-update broadcasts to `ai_orchestration:account:<account>`.

import { iso, isoNow } from '../application-channel';
import type { AiWorkflow, AiWorkflowRun } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { orchestrationStream } from './ai-orchestration-envelope';

/** The user a collaborative broadcast names. */
export interface Collaborator {
  id: string;
  name: string;
  email: string;
}

/** `workflow` of `workflow_created` / `workflow_updated`. */
export function serializeWorkflow(w: AiWorkflow): Record<string, unknown> {
  return { id: w.id, name: w.name, description: w.description, status: w.status, created_at: iso(w.createdAt) };
}

/** `workflow_run` of `workflow_execution_started`. */
export function serializeStartedRun(run: AiWorkflowRun): Record<string, unknown> {
  return { id: run.id, run_id: run.runId, status: run.status, trigger_type: run.triggerType, created_at: iso(run.createdAt), started_at: iso(run.startedAt) };
}

function person(user: Collaborator): Record<string, unknown> {
  return { id: user.id, full_name: user.name, email: user.email };
}

/** `workflow_locked` `{type, workflow_id, locked_by:{id, full_name, email}, timestamp}`. */
export async function publishWorkflowLocked(b: Broadcaster, accountId: string, workflowId: string, user: Collaborator): Promise<void> {
  await b.broadcast(orchestrationStream('account', accountId), { type: 'workflow_locked', workflow_id: workflowId, locked_by: person(user), timestamp: isoNow() });
}

/** `workflow_unlocked` `{type, workflow_id, unlocked_by:{id, full_name, email}, timestamp}`. */
export async function publishWorkflowUnlocked(b: Broadcaster, accountId: string, workflowId: string, user: Collaborator): Promise<void> {
  await b.broadcast(orchestrationStream('account', accountId), { type: 'workflow_unlocked', workflow_id: workflowId, unlocked_by: person(user), timestamp: isoNow() });
}

/** `workflow_collaborative_update` `{type, workflow_id, updated_by, action, timestamp}`. */
export async function publishWorkflowCollaborativeUpdate(b: Broadcaster, accountId: string, workflowId: string, user: Collaborator, action: string): Promise<void> {
  const message = { type: 'workflow_collaborative_update', workflow_id: workflowId, updated_by: person(user), action, timestamp: isoNow() };
  await b.broadcast(orchestrationStream('account', accountId), message);
}
