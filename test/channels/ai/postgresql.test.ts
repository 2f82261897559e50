// The AI channels' database paths on PostgreSQL (uuid columns, jsonb, NULLS LAST ordering): every lookup type,
// send_message, the workflow writes and the monitoring queries. The full suites run on SQLite; set
// AI_TEST_PROVIDER=postgresql to run them all on PostgreSQL.

import { aiChannels } from '../../../channels/ai/index';
import { testUser } from '../../../src/testing/index';
import { channelSuite, replyTo } from '../../support/channel-suite';
import { describePostgres } from '../../support/db';
import { identityOf, openAiDb, UNKNOWN_UUID } from './fixtures';

describePostgres('AI channels', () => {
  const d = channelSuite(() => openAiDb('postgresql'), aiChannels);

  it('authorizes every lookup by account and refuses malformed ids before the query', async () => {
    const client = await d.connect(identityOf(d.own.accountId, d.own.ownerId, ['system.admin']));
    const ok = [
      { channel: 'AiAgentExecutionChannel', execution_id: d.own.executionId },
      { channel: 'AiConversationChannel', conversation_id: d.own.conversationKey },
      { channel: 'AiStreamingChannel', execution_id: d.own.executionPk },
      { channel: 'AiStreamingChannel', conversation_id: d.own.conversationPk },
      { channel: 'AiWorkflowMonitoringChannel', workflow_id: d.own.workflowId },
      ...[
        ['workflow', d.own.workflowId], ['workflow_run', d.own.runId], ['agent', d.own.agentId], ['batch_execution', d.own.batchId],
        ['ralph_loop', d.own.ralphLoopId], ['worktree_session', d.own.worktreeSessionId], ['circuit_breaker', d.own.breakerId],
        ['circuit_breaker', d.serviceBreakerId], ['circuit_breaker_service', 'openai'],
      ].map(([type, id]) => ({ channel: 'AiOrchestrationChannel', type, id })),
    ];
    for (const params of ok) expect([params, await client.subscribe(params)]).toEqual([params, 'confirm_subscription']);
    const refused = [
      { channel: 'AiConversationChannel', conversation_id: d.foreign.conversationPk },
      { channel: 'AiStreamingChannel', execution_id: 'not-a-uuid' },
      { channel: 'AiOrchestrationChannel', type: 'workflow', id: 'not-a-uuid' },
      { channel: 'AiOrchestrationChannel', type: 'circuit_breaker', id: 'not-a-uuid' },
      { channel: 'AiOrchestrationChannel', type: 'agent', id: UNKNOWN_UUID },
    ];
    for (const params of refused) expect([params, await client.subscribe(params)]).toEqual([params, 'reject_subscription']);
  });

  it('sends a message with the next sequence number and queues the AI response', async () => {
    const client = await d.connect(identityOf(d.own.accountId, d.own.ownerId, ['ai.conversations.create']));
    const params = { channel: 'AiConversationChannel', conversation_id: d.own.conversationPk };
    await client.subscribe(params);
    await client.perform(params, 'send_message', { content: 'on postgres' });
    const saved = await d.db.aiMessage.findFirstOrThrow({ where: { content: 'on postgres' } });
    expect(saved.sequenceNumber).toBe(2);
    expect(client.received(params).map((m) => (m as { type: string }).type)).toEqual(['subscription.confirmed', 'message_created', 'ai_response_queued', 'ai_thinking']);
  });

  it('creates, updates and executes a workflow', async () => {
    const client = await d.connect(identityOf(d.own.accountId, d.own.ownerId, ['ai.workflows.create', 'ai.workflows.update', 'ai.workflows.execute']));
    const params = { channel: 'AiWorkflowOrchestrationChannel' };
    await client.subscribe(params);
    await client.perform(params, 'create_workflow', { workflow: { name: 'PG Flow', status: 'active', configuration: { a: 1 } }, nodes: [{ node_id: 'start', node_type: 'start', name: 'Start' }] });
    const created = client.last(params) as { workflow: { id: string } };
    expect(await replyTo(client, params, 'update_workflow', { workflow_id: created.workflow.id, updates: { description: 'on pg' } })).toMatchObject({ type: 'workflow_collaborative_update' });
    await client.perform(params, 'execute_workflow', { workflow_id: created.workflow.id, input_variables: { x: 1 } });
    expect(client.received(params).some((m) => (m as { type?: string }).type === 'workflow_execution_started')).toBe(true);
  });

  it('computes the dashboard and the active executions', async () => {
    // The foreign account: untouched by the writes above.
    const client = await d.connect(testUser(d.foreign.accountId, { permissions: ['ai.monitor'] }));
    const params = { channel: 'AiWorkflowMonitoringChannel' };
    await client.subscribe(params);
    expect(await replyTo(client, params, 'get_dashboard_stats')).toMatchObject({ type: 'dashboard_stats', stats: { total_workflows: 2, active_executions: 1 } });
    expect(await replyTo(client, params, 'get_active_executions')).toMatchObject({ type: 'active_executions', executions: [{ run_id: d.foreign.runId, total_cost: '0.5' }] });
  });
});
