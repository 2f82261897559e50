// What the demo manifest lists per resource table: the ids and the lookup keys channels use (execution_id, run_id,
// batch_id, conversation_id, …), each row tagged with its account (null for global tables). One query per table.

import type { Db } from './prisma';
import type { ModelKey } from './demo/types';

/** A listed row: its account (or null) and the fields the manifest shows. */
export type ListedRow = { accountId: string | null } & Record<string, unknown>;

/** One manifest table: the model it reads and how. */
export interface ResourceLister {
  table: string;
  model: ModelKey;
  /** A table without an account (listed under the manifest's `global`). */
  global?: true;
  list(db: Db): Promise<ListedRow[]>;
}

const order = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/** Move a nested relation's accountId up to the row. */
function viaRelation<R extends Record<string, unknown>>(rows: R[], accountOf: (r: R) => string | null, relation: keyof R): ListedRow[] {
  return rows.map((r) => {
    const { [relation]: _dropped, ...rest } = r;
    return { ...rest, accountId: accountOf(r) };
  });
}

/** Every resource table of the manifest, in a reading-friendly order. */
export const RESOURCE_LISTERS: readonly ResourceLister[] = [
  { table: 'ai_agents', model: 'aiAgent', list: (db) => db.aiAgent.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'ai_agent_executions', model: 'aiAgentExecution', list: (db) => db.aiAgentExecution.findMany({ select: { id: true, accountId: true, executionId: true, aiAgentId: true, status: true }, orderBy: order }) },
  { table: 'ai_conversations', model: 'aiConversation', list: (db) => db.aiConversation.findMany({ select: { id: true, accountId: true, conversationId: true, websocketChannel: true, userId: true }, orderBy: order }) },
  {
    table: 'ai_messages',
    model: 'aiMessage',
    list: async (db) => viaRelation(await db.aiMessage.findMany({ select: { id: true, messageId: true, aiConversationId: true, conversation: { select: { accountId: true } } }, orderBy: order }), (r) => r.conversation.accountId, 'conversation'),
  },
  { table: 'ai_agent_teams', model: 'aiAgentTeam', list: (db) => db.aiAgentTeam.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  {
    table: 'ai_team_roles',
    model: 'aiTeamRole',
    list: async (db) => viaRelation(await db.aiTeamRole.findMany({ select: { id: true, roleName: true, agentTeamId: true, team: { select: { accountId: true } } }, orderBy: order }), (r) => r.team.accountId, 'team'),
  },
  {
    table: 'ai_team_channels',
    model: 'aiTeamChannel',
    list: async (db) => viaRelation(await db.aiTeamChannel.findMany({ select: { id: true, name: true, agentTeamId: true, team: { select: { accountId: true } } }, orderBy: order }), (r) => r.team.accountId, 'team'),
  },
  { table: 'ai_team_executions', model: 'aiTeamExecution', list: (db) => db.aiTeamExecution.findMany({ select: { id: true, accountId: true, agentTeamId: true, status: true }, orderBy: order }) },
  {
    table: 'ai_team_messages',
    model: 'aiTeamMessage',
    list: async (db) => viaRelation(await db.aiTeamMessage.findMany({ select: { id: true, channelId: true, channel: { select: { team: { select: { accountId: true } } } } }, orderBy: order }), (r) => r.channel.team.accountId, 'channel'),
  },
  { table: 'ai_ralph_loops', model: 'aiRalphLoop', list: (db) => db.aiRalphLoop.findMany({ select: { id: true, accountId: true, status: true }, orderBy: order }) },
  { table: 'ai_worktree_sessions', model: 'aiWorktreeSession', list: (db) => db.aiWorktreeSession.findMany({ select: { id: true, accountId: true, status: true }, orderBy: order }) },
  { table: 'ai_worktrees', model: 'aiWorktree', list: (db) => db.aiWorktree.findMany({ select: { id: true, accountId: true, worktreeSessionId: true }, orderBy: order }) },
  { table: 'ai_circuit_breakers', model: 'aiCircuitBreaker', list: (db) => db.aiCircuitBreaker.findMany({ select: { id: true, accountId: true, name: true, agentId: true }, orderBy: order }) },
  { table: 'ai_missions', model: 'aiMission', list: (db) => db.aiMission.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'ai_workflows', model: 'aiWorkflow', list: (db) => db.aiWorkflow.findMany({ select: { id: true, accountId: true, slug: true }, orderBy: order }) },
  {
    table: 'ai_workflow_nodes',
    model: 'aiWorkflowNode',
    list: async (db) => viaRelation(await db.aiWorkflowNode.findMany({ select: { id: true, nodeId: true, aiWorkflowId: true, workflow: { select: { accountId: true } } }, orderBy: order }), (r) => r.workflow.accountId, 'workflow'),
  },
  {
    table: 'ai_workflow_edges',
    model: 'aiWorkflowEdge',
    list: async (db) => viaRelation(await db.aiWorkflowEdge.findMany({ select: { id: true, edgeId: true, aiWorkflowId: true, workflow: { select: { accountId: true } } }, orderBy: order }), (r) => r.workflow.accountId, 'workflow'),
  },
  { table: 'ai_workflow_runs', model: 'aiWorkflowRun', list: (db) => db.aiWorkflowRun.findMany({ select: { id: true, accountId: true, runId: true, aiWorkflowId: true, status: true }, orderBy: order }) },
  { table: 'batch_workflow_runs', model: 'batchWorkflowRun', list: (db) => db.batchWorkflowRun.findMany({ select: { id: true, accountId: true, batchId: true, status: true }, orderBy: order }) },
  { table: 'ai_code_factory_risk_contracts', model: 'aiCodeFactoryRiskContract', list: (db) => db.aiCodeFactoryRiskContract.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'ai_code_factory_review_states', model: 'aiCodeFactoryReviewState', list: (db) => db.aiCodeFactoryReviewState.findMany({ select: { id: true, accountId: true, riskContractId: true, status: true }, orderBy: order }) },
  { table: 'devops_pipelines', model: 'devopsPipeline', list: (db) => db.devopsPipeline.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  {
    table: 'devops_pipeline_runs',
    model: 'devopsPipelineRun',
    list: async (db) => viaRelation(await db.devopsPipelineRun.findMany({ select: { id: true, runNumber: true, devopsPipelineId: true, pipeline: { select: { accountId: true } } }, orderBy: order }), (r) => r.pipeline.accountId, 'pipeline'),
  },
  {
    table: 'devops_step_executions',
    model: 'devopsStepExecution',
    list: async (db) => viaRelation(await db.devopsStepExecution.findMany({ select: { id: true, stepName: true, devopsPipelineRunId: true, run: { select: { pipeline: { select: { accountId: true } } } } }, orderBy: order }), (r) => r.run.pipeline.accountId, 'run'),
  },
  { table: 'git_provider_credentials', model: 'gitProviderCredential', list: (db) => db.gitProviderCredential.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'git_repositories', model: 'gitRepository', list: (db) => db.gitRepository.findMany({ select: { id: true, accountId: true, fullName: true, gitProviderCredentialId: true }, orderBy: order }) },
  { table: 'git_pipelines', model: 'gitPipeline', list: (db) => db.gitPipeline.findMany({ select: { id: true, accountId: true, gitRepositoryId: true }, orderBy: order }) },
  { table: 'git_pipeline_jobs', model: 'gitPipelineJob', list: (db) => db.gitPipelineJob.findMany({ select: { id: true, accountId: true, gitPipelineId: true, status: true }, orderBy: order }) },
  { table: 'trading_portfolios', model: 'tradingPortfolio', list: (db) => db.tradingPortfolio.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  {
    table: 'trading_strategies',
    model: 'tradingStrategy',
    list: async (db) => viaRelation(await db.tradingStrategy.findMany({ select: { id: true, name: true, tradingPortfolioId: true, portfolio: { select: { accountId: true } } }, orderBy: order }), (r) => r.portfolio.accountId, 'portfolio'),
  },
  { table: 'trading_training_sessions', model: 'tradingTrainingSession', list: (db) => db.tradingTrainingSession.findMany({ select: { id: true, accountId: true, status: true }, orderBy: order }) },
  { table: 'trading_signals', model: 'tradingSignal', list: (db) => db.tradingSignal.findMany({ select: { id: true, accountId: true, tradingStrategyId: true }, orderBy: order }) },
  { table: 'trading_tick_results', model: 'tradingTickResult', list: (db) => db.tradingTickResult.findMany({ select: { id: true, accountId: true, tradingStrategyId: true }, orderBy: order }) },
  { table: 'supply_chain_sboms', model: 'supplyChainSbom', list: (db) => db.supplyChainSbom.findMany({ select: { id: true, accountId: true, sbomId: true }, orderBy: order }) },
  { table: 'supply_chain_attestations', model: 'supplyChainAttestation', list: (db) => db.supplyChainAttestation.findMany({ select: { id: true, accountId: true, attestationId: true }, orderBy: order }) },
  { table: 'notifications', model: 'notification', list: (db) => db.notification.findMany({ select: { id: true, accountId: true, userId: true, notificationType: true, readAt: true }, orderBy: order }) },
  { table: 'subscriptions', model: 'subscription', list: (db) => db.subscription.findMany({ select: { id: true, accountId: true, planId: true, status: true }, orderBy: order }) },
  { table: 'analytics_alerts', model: 'analyticsAlert', list: (db) => db.analyticsAlert.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'mcp_tools', model: 'mcpTool', list: (db) => db.mcpTool.findMany({ select: { id: true, accountId: true, name: true }, orderBy: order }) },
  { table: 'system_operations', model: 'systemOperation', list: (db) => db.systemOperation.findMany({ select: { id: true, accountId: true, operationType: true, status: true }, orderBy: order }) },
  { table: 'cable_job_outbox', model: 'jobOutbox', list: (db) => db.jobOutbox.findMany({ select: { id: true, accountId: true, jobClass: true, status: true }, orderBy: order }) },
  { table: 'trading_venues', global: true, model: 'tradingVenue', list: async (db) => (await db.tradingVenue.findMany({ select: { id: true, slug: true }, orderBy: order })).map((r) => ({ ...r, accountId: null })) },
  {
    table: 'trading_venue_tickers',
    global: true,
    model: 'tradingVenueTicker',
    list: async (db) => (await db.tradingVenueTicker.findMany({ select: { id: true, pair: true, tradingVenueId: true }, orderBy: order })).map((r) => ({ ...r, accountId: null })),
  },
  { table: 'circuit_breakers', global: true, model: 'circuitBreaker', list: async (db) => (await db.circuitBreaker.findMany({ select: { id: true, service: true, name: true }, orderBy: order })).map((r) => ({ ...r, accountId: null })) },
  { table: 'plans', global: true, model: 'plan', list: async (db) => (await db.plan.findMany({ select: { id: true, name: true }, orderBy: order })).map((r) => ({ ...r, accountId: null })) },
];
