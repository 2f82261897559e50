// Shared fixtures of the AI channel tests: a migrated SQLite database with two accounts' AI rows (agents,
// executions, conversations, workflows and runs, batches, Ralph loops, worktrees, circuit breakers), real user
// rows behind the harness identities (also written into the real server of the end-to-end tests).

import { randomUUID } from 'node:crypto';
import type { JobQueue } from '../../../channels/support/services';
import type { UserIdentity } from '../../../src/auth/identity';
import type { Db, Provider } from '../../../src/db/prisma';
import { testUser } from '../../../src/testing/index';
import { createTestDatabase } from '../../support/db';

/** A well-formed UUID no row has. */
export const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

/** The AI rows of one account. */
export interface AiRows {
  accountId: string;
  ownerId: string;
  otherUserId: string;
  agentId: string;
  executionPk: string;
  executionId: string;
  conversationPk: string;
  conversationKey: string;
  agentlessConversationPk: string;
  collaborativeConversationPk: string;
  archivedConversationPk: string;
  teamId: string;
  workflowId: string;
  draftWorkflowId: string;
  runPk: string;
  runId: string;
  batchId: string;
  ralphLoopId: string;
  worktreeSessionId: string;
  worktreeId: string;
  breakerId: string;
}

/** A migrated test database, two accounts and a global service breaker. */
export interface AiDb {
  db: Db;
  url: string;
  own: AiRows;
  foreign: AiRows;
  serviceBreakerId: string;
  cleanup(): Promise<void>;
}

/** Create a fresh migrated database (SQLite unless `provider`, or AI_TEST_PROVIDER, says otherwise) with two accounts' AI rows. */
export async function openAiDb(provider: Provider = (process.env.AI_TEST_PROVIDER as Provider | undefined) ?? 'sqlite'): Promise<AiDb> {
  const { db, url, cleanup } = await createTestDatabase(provider);
  const own = await seedAiRows(db, 'Own');
  const foreign = await seedAiRows(db, 'Foreign');
  const serviceBreakerId = (await db.circuitBreaker.create({ data: { service: 'openai', name: `chat-${randomUUID()}`, state: 'closed' } })).id;
  return {
    db, url, own, foreign, serviceBreakerId, cleanup,
  };
}

/** A fresh database user of `accountId` (message rows reference users). */
export async function createUser(db: Db, accountId: string, name = 'Test User'): Promise<{ id: string; email: string; name: string }> {
  const id = randomUUID();
  return db.user.create({ data: { id, accountId, email: `${id}@example.test`, name, status: 'active' }, select: { id: true, email: true, name: true } });
}

/** Insert one account with every AI resource the channels look up. */
export async function seedAiRows(db: Db, name: string): Promise<AiRows> {
  const accountId = (await db.account.create({ data: { name } })).id;
  const owner = await createUser(db, accountId, `${name} Owner`);
  const other = await createUser(db, accountId, `${name} Other`);
  const agent = await db.aiAgent.create({ data: { accountId, name: `${name} Assistant`, agentType: 'assistant', isConcierge: true } });
  const executionId = `exec-${randomUUID()}`;
  const execution = await db.aiAgentExecution.create({
    data: {
      accountId, aiAgentId: agent.id, userId: owner.id, executionId, status: 'completed', startedAt: new Date('2026-03-15T09:29:28.456Z'),
      completedAt: new Date('2026-03-15T09:30:28Z'), durationMs: 60000, costUsd: '0.0123', tokensUsed: 100,
      inputParameters: { prompt: 'hi' }, outputData: { answer: 'hello' }, createdAt: new Date('2026-03-15T09:29:28Z'),
    },
  });
  const team = await db.aiAgentTeam.create({ data: { accountId, name: `${name} Team`, teamType: 'workspace' } });
  const conversationKey = `conv-${randomUUID()}`;
  const conversation = await db.aiConversation.create({
    data: { accountId, userId: owner.id, aiAgentId: agent.id, agentTeamId: team.id, conversationId: conversationKey, title: 'Plan', status: 'active', websocketChannel: `ai_conversation_${conversationKey}`, tags: ['demo'], createdAt: new Date('2026-03-15T09:00:00Z') },
  });
  await db.aiMessage.create({ data: { aiConversationId: conversation.id, messageId: `msg-${randomUUID()}`, role: 'user', content: 'first', sequenceNumber: 1, userId: owner.id } });
  const conv = (data: Record<string, unknown>) => db.aiConversation.create({ data: { accountId, userId: owner.id, conversationId: `conv-${randomUUID()}`, ...data } as never });
  const agentless = await conv({ status: 'active' });
  const collaborative = await conv({ userId: other.id, isCollaborative: true, participants: [owner.id], aiAgentId: agent.id });
  const archived = await conv({ status: 'archived' });
  const workflow = await db.aiWorkflow.create({ data: { accountId, name: `${name} Flow`, slug: `flow-${randomUUID()}`, status: 'active' } });
  await db.aiWorkflowNode.create({ data: { aiWorkflowId: workflow.id, nodeId: 'start', nodeType: 'start', name: 'Start' } });
  const draft = await db.aiWorkflow.create({ data: { accountId, name: `${name} Draft`, slug: `draft-${randomUUID()}`, status: 'draft' } });
  const runId = `run-${randomUUID()}`;
  const run = await db.aiWorkflowRun.create({
    data: { accountId, aiWorkflowId: workflow.id, runId, status: 'running', totalNodes: 4, completedNodes: 1, costUsd: '0.5', startedAt: new Date(Date.now() - 5000), createdAt: new Date(Date.now() - 60_000) },
  });
  const batch = await db.batchWorkflowRun.create({ data: { accountId, batchId: `batch-${randomUUID()}`, status: 'running', totalWorkflows: 2 } });
  const loop = await db.aiRalphLoop.create({ data: { accountId, name: 'Loop', status: 'running', currentIteration: 3, taskCount: 8, completedTaskCount: 3, errorMessage: 'stored failure' } });
  const session = await db.aiWorktreeSession.create({ data: { accountId, status: 'active', repositoryPath: '/srv/app', totalWorktrees: 4, completedWorktrees: 1 } });
  const worktree = await db.aiWorktree.create({ data: { accountId, worktreeSessionId: session.id, branchName: 'feature/x', status: 'ready' } });
  const breaker = await db.aiCircuitBreaker.create({ data: { accountId, agentId: agent.id, name: 'assistant-llm' } });
  return {
    accountId, ownerId: owner.id, otherUserId: other.id, agentId: agent.id, executionPk: execution.id, executionId,
    conversationPk: conversation.id, conversationKey, agentlessConversationPk: agentless.id, collaborativeConversationPk: collaborative.id,
    archivedConversationPk: archived.id, teamId: team.id, workflowId: workflow.id, draftWorkflowId: draft.id, runPk: run.id, runId,
    batchId: batch.batchId, ralphLoopId: loop.id, worktreeSessionId: session.id, worktreeId: worktree.id, breakerId: breaker.id,
  };
}

/** The identity of the existing user `userId` of `accountId` (message rows reference users), holding `permissions`. */
export const identityOf = (accountId: string, userId: string, permissions: string[] = [], name?: string): UserIdentity => testUser(accountId, { userId, permissions, name });

/** A job queue that always fails (the outbox is unavailable). */
export const FAILING_JOBS: JobQueue = { enqueue: () => Promise.reject(new Error('outbox unavailable')) };
