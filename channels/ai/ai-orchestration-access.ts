// Authorization of AiOrchestrationChannel subscriptions (docs/channels.md): each type's rule, every
// resource looked up in the caller's account in the query, and the initial status frame where the type has one.

import { hasPermission, type Identity } from '../../src/auth/identity';
import { eventMessage } from '../../src/channel/index';
import type { Db } from '../../src/db/prisma';
import { isoNow, isUuid } from '../application-channel';
import { ralphLoopProgress, serializeWorkflowRun, worktreeSessionSummary } from './ai-orchestration-payloads';
import { RalphLoopInitialStatus, WorktreeSessionInitialStatus } from './ai-orchestration-resource-events';
import { WorkflowRunInitialStatus } from './ai-orchestration-workflow-events';

/** Subscription types (rett HEAD plus the fork's `agent`, which crashed at HEAD). */
export const ORCHESTRATION_TYPES = [
  'account', 'workflow', 'workflow_run', 'agent', 'monitoring', 'system', 'batch_execution',
  'circuit_breaker', 'circuit_breaker_service', 'ralph_loop', 'worktree_session',
] as const;
/** One subscription type. */
export type OrchestrationType = (typeof ORCHESTRATION_TYPES)[number];

/** The permission behind the circuit breaker types (system.admin implies it). */
export const BREAKER_PERMISSION = 'ai_orchestration.read';

/** A granted subscription: the canonical id its stream uses and the frame to send after the confirmation. */
export interface Grant {
  streamId: string;
  initial?: Record<string, unknown>;
}

/** Decide one subscription; null means reject. */
export async function authorizeOrchestration(db: Db, identity: Identity, type: OrchestrationType, id: string): Promise<Grant | null> {
  const accountId = identity.accountId;
  const pk = isUuid(id) ? id.toLowerCase() : null;
  switch (type) {
    case 'account':
    case 'monitoring':
      return id === accountId ? { streamId: id } : null;
    case 'system':
      return hasPermission(identity, 'system.admin') ? { streamId: id } : null;
    case 'workflow':
      return pk && (await db.aiWorkflow.findFirst({ where: { id: pk, accountId }, select: { id: true } })) ? { streamId: pk } : null;
    case 'agent':
      return pk && (await db.aiAgent.findFirst({ where: { id: pk, accountId }, select: { id: true } })) ? { streamId: pk } : null;
    case 'batch_execution':
      return (await db.batchWorkflowRun.findFirst({ where: { batchId: id, accountId }, select: { id: true } })) ? { streamId: id } : null;
    case 'workflow_run':
      return workflowRunGrant(db, accountId, id);
    case 'ralph_loop':
      return pk ? ralphLoopGrant(db, accountId, pk, id) : null;
    case 'worktree_session':
      return pk ? worktreeSessionGrant(db, accountId, pk, id) : null;
    case 'circuit_breaker':
      return hasPermission(identity, BREAKER_PERMISSION) && (id === 'all' || (pk && (await breakerVisible(db, accountId, pk)))) ? { streamId: pk ?? id } : null;
    case 'circuit_breaker_service':
      return hasPermission(identity, BREAKER_PERMISSION) && (await db.circuitBreaker.findFirst({ where: { service: id }, select: { id: true } })) ? { streamId: id } : null;
  }
}

/** An account breaker of the caller's account, or a service breaker (those belong to no account). */
async function breakerVisible(db: Db, accountId: string, id: string): Promise<boolean> {
  if (await db.aiCircuitBreaker.findFirst({ where: { id, accountId }, select: { id: true } })) return true;
  return (await db.circuitBreaker.findFirst({ where: { id }, select: { id: true } })) !== null;
}

async function workflowRunGrant(db: Db, accountId: string, runId: string): Promise<Grant | null> {
  const run = await db.aiWorkflowRun.findFirst({ where: { runId, accountId } });
  if (!run) return null;
  const initial = eventMessage(WorkflowRunInitialStatus, { resource_id: runId, payload: { workflow_run: serializeWorkflowRun(run) }, timestamp: isoNow() });
  return { streamId: runId, initial };
}

async function ralphLoopGrant(db: Db, accountId: string, pk: string, id: string): Promise<Grant | null> {
  const loop = await db.aiRalphLoop.findFirst({ where: { id: pk, accountId } });
  if (!loop) return null;
  const initial = eventMessage(RalphLoopInitialStatus, { resource_id: id, payload: ralphLoopProgress(loop), timestamp: isoNow() });
  return { streamId: pk, initial };
}

async function worktreeSessionGrant(db: Db, accountId: string, pk: string, id: string): Promise<Grant | null> {
  const session = await db.aiWorktreeSession.findFirst({ where: { id: pk, accountId } });
  if (!session) return null;
  const initial = eventMessage(WorktreeSessionInitialStatus, { resource_id: id, payload: worktreeSessionSummary(session), timestamp: isoNow() });
  return { streamId: pk, initial };
}
