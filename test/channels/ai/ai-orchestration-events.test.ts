// AiOrchestrationChannel publishers: every event family reaches the subscriptions its fan-out rule names (resource,
// account, monitoring, workflow, breaker service) and no others, with the `{event, resource_type, resource_id,
// payload, timestamp}` envelope.

import { AiOrchestrationChannel } from '../../../channels/ai/ai-orchestration-channel';
import { publishOrchestrationEvent, publishSystemMetricsUpdate } from '../../../channels/ai/ai-orchestration-envelope';
import * as R from '../../../channels/ai/ai-orchestration-resource-events';
import * as W from '../../../channels/ai/ai-orchestration-workflow-events';
import { MESSAGE_INCLUDE, serializeMessage } from '../../../channels/ai/ai-conversation-events';
import { serializeListConversation } from '../../../channels/ai/ai-conversations-list-events';
import { CONVERSATION_INCLUDE } from '../../../channels/ai/conversation-access';
import { testUser, type HarnessClient } from '../../../src/testing/index';
import { channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { openAiDb } from './fixtures';

const d = channelSuite(openAiDb, [AiOrchestrationChannel], { sharedClients: true });
let client: HarnessClient;
let targets: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  client = await d.connect(testUser(d.own.accountId, { permissions: ['system.admin'] }));
  targets = {
    account: { type: 'account', id: d.own.accountId },
    monitoring: { type: 'monitoring', id: d.own.accountId },
    workflow: { type: 'workflow', id: d.own.workflowId },
    workflow_run: { type: 'workflow_run', id: d.own.runId },
    agent: { type: 'agent', id: d.own.agentId },
    batch_execution: { type: 'batch_execution', id: d.own.batchId },
    ralph_loop: { type: 'ralph_loop', id: d.own.ralphLoopId },
    worktree_session: { type: 'worktree_session', id: d.own.worktreeSessionId },
    breaker: { type: 'circuit_breaker', id: d.own.breakerId },
    service_breaker: { type: 'circuit_breaker', id: d.serviceBreakerId },
    all_breakers: { type: 'circuit_breaker', id: 'all' },
    breaker_service: { type: 'circuit_breaker_service', id: 'openai' },
    health: { type: 'system', id: 'health' },
  };
  for (const t of Object.values(targets)) expect(await client.subscribe({ channel: 'AiOrchestrationChannel', ...t })).toBe('confirm_subscription');
});

/** Run `publish` and return, per subscription that received something, the messages it got. */
async function deliveries(publish: () => Promise<void>): Promise<Record<string, Array<Record<string, unknown>>>> {
  const before = Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, client.received({ channel: 'AiOrchestrationChannel', ...t }).length]));
  await publish();
  await client.idle();
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const [k, t] of Object.entries(targets)) {
    const got = client.received({ channel: 'AiOrchestrationChannel', ...t }).slice(before[k]) as Array<Record<string, unknown>>;
    if (got.length > 0) out[k] = got;
  }
  return out;
}

const envelope = (event: string, resourceType: string, resourceId: string, payload: unknown) => ({ event, resource_type: resourceType, resource_id: resourceId, payload, timestamp: expect.stringMatching(TIMESTAMP) });
/** The envelope as an account subscription receives it: `type` (= event) appended for usePageWebSocket. */
const accountEnvelope = (event: string, resourceType: string, resourceId: string, payload: unknown) => ({ ...envelope(event, resourceType, resourceId, payload), type: event });
const run = () => d.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: d.own.runPk } });
const loop = () => d.db.aiRalphLoop.findUniqueOrThrow({ where: { id: d.own.ralphLoopId } });
const batch = () => d.db.batchWorkflowRun.findUniqueOrThrow({ where: { batchId: d.own.batchId } });
const session = () => d.db.aiWorktreeSession.findUniqueOrThrow({ where: { id: d.own.worktreeSessionId } });

describe('AiOrchestrationChannel publishers', () => {
  it('publishWorkflowEvent follows the generic rule (resource + account; monitoring for failed)', async () => {
    const got = await deliveries(() => W.publishWorkflowEvent(d.broadcaster, 'workflow.updated', { id: d.own.workflowId, accountId: d.own.accountId }, { name: 'x' }));
    expect(Object.keys(got).sort()).toEqual(['account', 'workflow']);
    expect(got.workflow?.[0]).toEqual(envelope('workflow.updated', 'workflow', d.own.workflowId, { name: 'x' }));
    const failed = await deliveries(() => W.publishWorkflowEvent(d.broadcaster, 'workflow.execution.failed', { id: d.own.workflowId, accountId: d.own.accountId }, {}));
    expect(Object.keys(failed).sort()).toEqual(['account', 'monitoring', 'workflow']);
  });

  it('publishOrchestrationEvent sends alerts to monitoring and skips the account streams without an account', async () => {
    const got = await deliveries(() => publishOrchestrationEvent(d.broadcaster, { event: 'agent.alert', resourceType: 'agent', resourceId: d.own.agentId, payload: {}, accountId: d.own.accountId }));
    expect(Object.keys(got).sort()).toEqual(['account', 'agent', 'monitoring']);
    const bare = await deliveries(() => publishOrchestrationEvent(d.broadcaster, { event: 'agent.alert', resourceType: 'agent', resourceId: d.own.agentId, payload: {}, accountId: null }));
    expect(Object.keys(bare)).toEqual(['agent']);
  });

  it('run events go to the run, workflow and account streams', async () => {
    const r = await run();
    const got = await deliveries(() => W.publishWorkflowRunStatusChanged(d.broadcaster, r));
    expect(Object.keys(got).sort()).toEqual(['account', 'workflow', 'workflow_run']);
    expect(got.workflow_run?.[0]).toMatchObject({ event: 'workflow.run.status.changed', resource_type: 'workflow_run', resource_id: d.own.runId, payload: { workflow_run: { run_id: d.own.runId, status: 'running' } } });
    const started = await deliveries(() => W.publishWorkflowExecutionStarted(d.broadcaster, r));
    expect(started.workflow?.[0]?.payload).toEqual({ workflow_run: { id: r.id, run_id: r.runId, workflow_id: r.aiWorkflowId, trigger_type: 'manual', status: 'running', started_at: r.startedAt?.toISOString(), total_nodes: 4 }, event_type: 'execution_started' });
  });

  it('node events carry the node execution and the elapsed display', async () => {
    const r = await run();
    const node = { id: 'n1', execution_id: 'ne-1', status: 'running', started_at: null, completed_at: null, execution_time_ms: null, cost: null, retry_count: 0, node: { node_id: 'start', node_type: 'start', name: 'Start' }, input_data: {}, output_data: {}, error_details: null };
    const got = await deliveries(() => W.publishNodeExecution(d.broadcaster, r, node));
    expect(got.workflow_run?.[0]).toEqual(envelope('node.execution.updated', 'workflow_run', d.own.runId, { workflow_run_id: r.id, run_id: r.runId, node_execution: node }));
    const duration = await deliveries(() => W.publishNodeDuration(d.broadcaster, r, { execution_id: 'ne-1', status: 'running' }, 125_000));
    expect(duration.account?.[0]?.payload).toEqual({ workflow_run_id: r.id, run_id: r.runId, node_execution: { execution_id: 'ne-1', execution_time_ms: 125000, elapsed_ms: 125000, elapsed_display: '2m 5s', status: 'running' } });
    expect(W.formatElapsed(12_345)).toBe('12.3s');
  });

  it('streaming events reach the run subscribers', async () => {
    const r = await run();
    const events: Array<[string, () => Promise<void>, unknown]> = [
      ['streaming.execution.started', () => W.publishStreamingStarted(d.broadcaster, r, 'Own Flow'), { run_id: r.runId, workflow_id: r.aiWorkflowId, workflow_name: 'Own Flow' }],
      ['streaming.message.received', () => W.publishStreamingMessage(d.broadcaster, r, { text: 'hi' }), { run_id: r.runId, message: { text: 'hi' } }],
      ['streaming.node.changed', () => W.publishStreamingNodeChanged(d.broadcaster, r, { node_id: 'n', name: 'N', node_type: 'llm' }), { run_id: r.runId, current_node: { node_id: 'n', node_name: 'N', node_type: 'llm' } }],
      ['streaming.execution.paused', () => W.publishStreamingTransition(d.broadcaster, r, 'paused'), { run_id: r.runId }],
      ['streaming.execution.failed', () => W.publishStreamingFailed(d.broadcaster, r, 'boom'), { run_id: r.runId, error: 'boom' }],
    ];
    for (const [event, publish, payload] of events) {
      const got = await deliveries(publish);
      expect(got.workflow_run?.[0]).toEqual(envelope(event, 'workflow_run', r.runId, payload));
    }
  });

  it('batch events go to the batch and account streams', async () => {
    const b = await batch();
    const got = await deliveries(() => W.publishBatchEvent(d.broadcaster, b, 'progress'));
    expect(Object.keys(got).sort()).toEqual(['account', 'batch_execution']);
    expect(got.batch_execution?.[0]).toMatchObject({ event: 'batch.execution.progress', resource_type: 'batch_execution', resource_id: d.own.batchId, payload: { batch_id: d.own.batchId, status: 'running', total_workflows: 2, workflows: [], configuration: {} } });
    const failed = await deliveries(() => W.publishBatchFailed(d.broadcaster, b, 'quota'));
    expect(failed.batch_execution?.[0]?.payload).toMatchObject({ error: 'quota', message: 'quota' });
    const done = await deliveries(() => W.publishBatchWorkflowCompleted(d.broadcaster, b, { workflow_id: 'w1', status: 'completed' }));
    expect(done.batch_execution?.[0]?.payload).toMatchObject({ workflow_id: 'w1', workflow_status: { workflow_id: 'w1', status: 'completed' }, batch_execution: { batch_id: d.own.batchId } });
  });

  it('agent events reach account, agent and (failed) monitoring subscribers', async () => {
    const execution = await d.db.aiAgentExecution.findUniqueOrThrow({ where: { id: d.own.executionPk } });
    const got = await deliveries(() => R.publishAgentEvent(d.broadcaster, 'agent.execution.failed', execution, { error: 'x' }));
    expect(Object.keys(got).sort()).toEqual(['account', 'agent', 'monitoring']);
    expect(got.account?.[0]).toEqual(accountEnvelope('agent.execution.failed', 'agent_execution', execution.id, { agent_id: d.own.agentId, execution_id: d.own.executionId, error: 'x' }));
    const updated = await deliveries(() => R.publishAgentResourceEvent(d.broadcaster, 'agent.updated', { id: d.own.agentId, accountId: d.own.accountId }, { name: 'n' }));
    expect(Object.keys(updated).sort()).toEqual(['account', 'agent']);
  });

  it('conversation.* events (EVENT_TYPES) reach the account subscribers with the conversation or message object', async () => {
    const conversation = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.conversationPk }, include: CONVERSATION_INCLUDE });
    const created = await deliveries(() => R.publishConversationOrchestrationEvent(d.broadcaster, 'created', conversation));
    expect(Object.keys(created)).toEqual(['account']);
    expect(created.account?.[0]).toEqual(accountEnvelope('conversation.created', 'conversation', conversation.id, { conversation: serializeListConversation(conversation) }));
    const updated = await deliveries(() => R.publishConversationOrchestrationEvent(d.broadcaster, 'updated', conversation));
    expect(updated.account?.[0]).toMatchObject({ event: 'conversation.updated', payload: { conversation: { id: conversation.id, conversation_id: d.own.conversationKey, title: 'Plan' } } });
    const message = await d.db.aiMessage.findFirstOrThrow({ where: { aiConversationId: conversation.id }, include: MESSAGE_INCLUDE });
    const added = await deliveries(() => R.publishConversationMessageAdded(d.broadcaster, conversation, message));
    expect(Object.keys(added)).toEqual(['account']);
    expect(added.account?.[0]).toEqual(accountEnvelope('conversation.message.added', 'conversation', conversation.id, { conversation_id: d.own.conversationKey, message: serializeMessage(conversation, message) }));
    const foreign = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.foreign.conversationPk }, include: CONVERSATION_INCLUDE });
    expect(await deliveries(() => R.publishConversationOrchestrationEvent(d.broadcaster, 'updated', foreign))).toEqual({});
  });

  it('alerts go to monitoring and account; health to system:health and account', async () => {
    const alert = { account_id: d.own.accountId, alert_type: 'high_cost', severity: 'warning' };
    const got = await deliveries(() => R.publishAlert(d.broadcaster, alert));
    expect(Object.keys(got).sort()).toEqual(['account', 'monitoring']);
    expect(got.monitoring?.[0]).toEqual(envelope('monitoring.alert.triggered', 'alert', 'high_cost', alert));
    const health = await deliveries(() => R.publishHealthChange(d.broadcaster, { status: 'degraded' }, d.own.accountId));
    expect(Object.keys(health).sort()).toEqual(['account', 'health']);
    expect(health.health?.[0]).toEqual(envelope('system.health.changed', 'system', 'health', { status: 'degraded' }));
  });

  it('Ralph loop events go to the loop and account streams', async () => {
    const l = await loop();
    const progress = { loop_id: l.id, status: 'running', progress_percentage: 37.5, current_iteration: 3, completed_task_count: 3, task_count: 8 };
    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['ralph_loop.started', () => R.publishRalphLoopEvent(d.broadcaster, l, 'started'), {}],
      ['ralph_loop.iteration_completed', () => R.publishRalphLoopIterationCompleted(d.broadcaster, l, 3), { iteration_number: 3 }],
      ['ralph_loop.task_status_changed', () => R.publishRalphLoopTaskStatusChanged(d.broadcaster, l, { id: 't1', status: 'done' }), { task_id: 't1', task_status: 'done' }],
      ['ralph_loop.learning_added', () => R.publishRalphLoopLearningAdded(d.broadcaster, l, 'cache it'), { learning: 'cache it' }],
      ['ralph_loop.failed', () => R.publishRalphLoopFailed(d.broadcaster, l), { error_message: 'stored failure' }],
    ];
    for (const [event, publish, extra] of cases) {
      const got = await deliveries(publish);
      expect(Object.keys(got).sort()).toEqual(['account', 'ralph_loop']);
      expect(got.ralph_loop?.[0]).toEqual(envelope(event, 'ralph_loop', l.id, { ...progress, ...extra }));
    }
  });

  it('account breaker events go to the breaker and account streams', async () => {
    const breaker = await d.db.aiCircuitBreaker.findUniqueOrThrow({ where: { id: d.own.breakerId } });
    const got = await deliveries(() => R.publishCircuitBreakerEvent(d.broadcaster, breaker, 'opened'));
    expect(Object.keys(got).sort()).toEqual(['account', 'breaker']);
    expect(got.breaker?.[0]).toMatchObject({ event: 'circuit_breaker.opened', resource_type: 'circuit_breaker', resource_id: breaker.id, payload: { breaker: { id: breaker.id, name: 'assistant-llm', state: 'closed', account_id: d.own.accountId } } });
    const failure = await deliveries(() => R.publishCircuitBreakerSignal(d.broadcaster, breaker, 'failure', { error: 'timeout' }));
    expect(failure.breaker?.[0]?.payload).toEqual({ breaker_id: breaker.id, metadata: { error: 'timeout' } });
  });

  it('service breaker events go to the breaker, its service and the all stream, never to an account', async () => {
    const breaker = await d.db.circuitBreaker.findUniqueOrThrow({ where: { id: d.serviceBreakerId } });
    const got = await deliveries(() => R.publishCircuitBreakerEvent(d.broadcaster, breaker, 'state_changed'));
    expect(Object.keys(got).sort()).toEqual(['all_breakers', 'breaker_service', 'service_breaker']);
    expect(got.breaker_service?.[0]).toMatchObject({ payload: { breaker: { id: breaker.id, service: 'openai', account_id: null } } });
  });

  it('worktree session, worktree and merge events go to the session and account streams', async () => {
    const s = await session();
    const w = await d.db.aiWorktree.findUniqueOrThrow({ where: { id: d.own.worktreeId } });
    const got = await deliveries(() => R.publishWorktreeSessionEvent(d.broadcaster, s, 'merging', { step: 1 }));
    expect(Object.keys(got).sort()).toEqual(['account', 'worktree_session']);
    expect(got.worktree_session?.[0]).toMatchObject({ event: 'worktree_session.merging', resource_type: 'worktree_session', resource_id: s.id, payload: { id: s.id, repository_path: '/srv/app', step: 1 } });
    const tree = await deliveries(() => R.publishWorktreeEvent(d.broadcaster, w, 'ready'));
    expect(tree.worktree_session?.[0]).toMatchObject({ event: 'worktree.ready', resource_type: 'worktree_session', resource_id: s.id, payload: { id: w.id, branch_name: 'feature/x', worktree_session_id: s.id } });
    const merge = await deliveries(() => R.publishMergeEvent(d.broadcaster, s, 'conflict', { files: ['a.ts'] }));
    expect(merge.account?.[0]).toMatchObject({ event: 'merge.conflict', payload: { session_id: s.id, files: ['a.ts'] } });
  });

  it('publishSystemMetricsUpdate reaches account and monitoring subscribers on ai_orchestration_<account>', async () => {
    const got = await deliveries(() => publishSystemMetricsUpdate(d.broadcaster, d.own.accountId, { cpu: 0.5 }));
    expect(Object.keys(got).sort()).toEqual(['account', 'monitoring']);
    expect(got.account?.[0]).toEqual({ type: 'system_metrics_update', metrics: { cpu: 0.5 }, timestamp: expect.stringMatching(TIMESTAMP) });
  });

  it('events of a foreign account reach none of these subscriptions', async () => {
    const foreignRun = await d.db.aiWorkflowRun.findFirstOrThrow({ where: { runId: d.foreign.runId } });
    const foreignLoop = await d.db.aiRalphLoop.findUniqueOrThrow({ where: { id: d.foreign.ralphLoopId } });
    expect(await deliveries(() => W.publishWorkflowRunStatusChanged(d.broadcaster, foreignRun))).toEqual({});
    expect(await deliveries(() => R.publishRalphLoopEvent(d.broadcaster, foreignLoop, 'progress'))).toEqual({});
  });
});
