// Demo AI rows of one account: an agent with an execution, a conversation with messages, a team with roles, a
// channel, an execution and a message, a Ralph loop, a worktree session with a worktree, a circuit breaker, a
// mission, and a code-factory contract with a review state.

import { seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** Every AI row of `a`. */
export function aiRows(a: DemoAccount): DemoRowsPart {
  return { ...agentRows(a), ...conversationRows(a), ...teamRows(a), ...orchestrationRows(a), ...codeFactoryRows(a) };
}

function agentRows(a: DemoAccount): DemoRowsPart {
  return {
    aiAgent: [
      { id: a.ids('agent'), accountId: a.id, name: `${a.name} Assistant`, agentType: 'assistant', provider: 'openai', model: 'gpt-4o-mini', configuration: { temperature: 0.2, tools: ['search'] }, createdAt: seedTime(10) },
    ],
    aiAgentExecution: [
      {
        id: a.ids('agent-execution'),
        accountId: a.id,
        aiAgentId: a.ids('agent'),
        userId: a.ownerId,
        executionId: `exec-${a.key}-0001`,
        status: 'completed',
        startedAt: seedTime(20),
        completedAt: seedTime(21),
        durationMs: 60_000,
        costUsd: '0.012345',
        tokensUsed: 1234,
        inputParameters: { prompt: 'Summarise the backlog' },
        outputData: { summary: 'Three open items' },
        createdAt: seedTime(20),
      },
    ],
  };
}

function conversationRows(a: DemoAccount): DemoRowsPart {
  const conversationId = `conv-${a.key}-0001`;
  const message = (n: number) => ({ id: a.ids(`message:${n}`), aiConversationId: a.ids('conversation'), messageId: `msg-${a.key}-0001-${n}`, sequenceNumber: n, metadata: { streaming: false }, createdAt: seedTime(30 + n) });
  return {
    aiConversation: [
      {
        id: a.ids('conversation'),
        accountId: a.id,
        userId: a.ownerId,
        aiAgentId: a.ids('agent'),
        conversationId,
        title: 'Planning chat',
        status: 'active',
        participants: [a.ownerId],
        websocketChannel: `ai_conversation_${conversationId}`,
        messageCount: 2,
        tags: ['demo'],
        lastActivityAt: seedTime(32),
        createdAt: seedTime(30),
      },
    ],
    aiMessage: [
      { ...message(1), role: 'user', content: 'What is left for the release?', userId: a.ownerId },
      { ...message(2), role: 'assistant', content: 'Two reviews and the changelog.', aiAgentId: a.ids('agent'), tokensUsed: 42, costEstimate: '0.000420' },
    ],
  };
}

function teamRows(a: DemoAccount): DemoRowsPart {
  const team = a.ids('team');
  return {
    aiAgentTeam: [{ id: team, accountId: a.id, name: `${a.name} Delivery Team`, description: 'Plans and ships', createdAt: seedTime(40) }],
    aiTeamRole: [
      { id: a.ids('team-role:lead'), agentTeamId: team, aiAgentId: a.ids('agent'), roleName: 'lead', roleType: 'manager', createdAt: seedTime(40) },
      { id: a.ids('team-role:coder'), agentTeamId: team, roleName: 'coder', roleType: 'worker', createdAt: seedTime(40) },
    ],
    aiTeamChannel: [{ id: a.ids('team-channel'), agentTeamId: team, name: 'general', createdAt: seedTime(41) }],
    aiTeamExecution: [{ id: a.ids('team-execution'), accountId: a.id, agentTeamId: team, status: 'running', objective: 'Ship the release', startedAt: seedTime(42), createdAt: seedTime(42) }],
    aiTeamMessage: [
      {
        id: a.ids('team-message'),
        channelId: a.ids('team-channel'),
        teamExecutionId: a.ids('team-execution'),
        fromRoleId: a.ids('team-role:lead'),
        toRoleId: a.ids('team-role:coder'),
        content: 'Please pick up the changelog.',
        requiresResponse: true,
        sequenceNumber: 1,
        createdAt: seedTime(43),
      },
    ],
  };
}

function orchestrationRows(a: DemoAccount): DemoRowsPart {
  return {
    aiRalphLoop: [
      { id: a.ids('ralph-loop'), accountId: a.id, name: 'Refactor loop', status: 'running', currentIteration: 3, maxIterations: 10, taskCount: 8, completedTaskCount: 3, startedAt: seedTime(50), createdAt: seedTime(50) },
    ],
    aiWorktreeSession: [
      {
        id: a.ids('worktree-session'),
        accountId: a.id,
        status: 'running',
        repositoryPath: `/srv/repos/${a.key}/app`,
        totalWorktrees: 2,
        completedWorktrees: 1,
        executionMode: 'parallel',
        conflictMatrix: {},
        startedAt: seedTime(55),
        createdAt: seedTime(55),
      },
    ],
    aiWorktree: [
      { id: a.ids('worktree'), accountId: a.id, worktreeSessionId: a.ids('worktree-session'), branchName: 'feature/demo', worktreePath: `/srv/worktrees/${a.key}/demo`, status: 'completed', createdAt: seedTime(56) },
    ],
    aiCircuitBreaker: [{ id: a.ids('ai-circuit-breaker'), accountId: a.id, agentId: a.ids('agent'), name: 'assistant-llm', state: 'closed', createdAt: seedTime(57) }],
    aiMission: [
      { id: a.ids('mission'), accountId: a.id, name: 'Launch landing page', status: 'active', currentPhase: 'build', phaseProgress: { build: 40 }, startedAt: seedTime(58), createdAt: seedTime(58) },
    ],
  };
}

function codeFactoryRows(a: DemoAccount): DemoRowsPart {
  return {
    aiCodeFactoryRiskContract: [{ id: a.ids('risk-contract'), accountId: a.id, name: 'Default risk contract', rules: { max_files: 20, protected_paths: ['db/'] }, createdAt: seedTime(60) }],
    aiCodeFactoryReviewState: [
      { id: a.ids('review-state'), accountId: a.id, riskContractId: a.ids('risk-contract'), status: 'reviewing', prNumber: 42, headSha: 'abc123def456', riskTier: 'low', createdAt: seedTime(61) },
    ],
  };
}
