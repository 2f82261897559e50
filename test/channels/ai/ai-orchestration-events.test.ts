// AiOrchestrationChannel events: every event family, broadcast through `broadcaster(Event, Stream)` to each stream of
// its documented fan-out (resource, account, monitoring, workflow, breaker service), reaches those subscriptions and
// no others, with the `{event, resource_type, resource_id, payload, timestamp}` envelope; the one kept publisher
// (`publishWorkflowExecutionStarted`) sends to the run, workflow and account streams.

import { AiOrchestrationChannel } from '../../../channels/ai/ai-orchestration-channel';
import {
  OrchestrationAccountStream, OrchestrationAgentStream, OrchestrationBatchStream, OrchestrationBreakerServiceStream, OrchestrationBreakerStream,
  OrchestrationMonitoringStream, OrchestrationRalphLoopStream, OrchestrationRunStream, OrchestrationSystemStream, OrchestrationWorkflowStream,
  OrchestrationWorktreeSessionStream, LegacyMetricsStream, SystemMetricsUpdate,
} from '../../../channels/ai/ai-orchestration-envelope';
import { ralphLoopProgress, serializeBatch, serializeBreaker, serializeWorkflowRun, worktreeSessionSummary, worktreeSummary } from '../../../channels/ai/ai-orchestration-payloads';
import * as R from '../../../channels/ai/ai-orchestration-resource-events';
import * as W from '../../../channels/ai/ai-orchestration-workflow-events';
import { MESSAGE_INCLUDE, serializeMessage } from '../../../channels/ai/ai-conversation-events';
import { serializeListConversation } from '../../../channels/ai/ai-conversations-list-events';
import { CONVERSATION_INCLUDE } from '../../../channels/ai/conversation-access';
import { isoNow } from '../../../channels/application-channel';
import { broadcaster, type EventSpec, type StreamSpec } from '../../../src/channel/index';
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

type To = Array<readonly [StreamSpec, Record<string, string>]>;

/** Broadcast one message (one timestamp) to each of `to`, in order, as a producer of the event does. */
async function fanOut<I>(event: EventSpec<I>, to: To, input: I): Promise<void> {
  const message = { ...input, timestamp: isoNow() };
  for (const [on, args] of to) await broadcaster(event, on)(d.broadcaster, args as never, message);
}
const account = (accountId: string) => [OrchestrationAccountStream, { account_id: accountId }] as const;
const monitoring = (accountId: string) => [OrchestrationMonitoringStream, { account_id: accountId }] as const;
/** The generic rule: the resource stream, the account's when known, and its monitoring stream for `failed`/`alert` names. */
const generic = (own: To[number], event: string, accountId: string | null): To =>
  [own, ...(accountId ? [account(accountId), ...(event.includes('failed') || event.includes('alert') ? [monitoring(accountId)] : [])] : [])];
/** Run, node and streaming events: the run, its workflow and its account. */
const runStreams = (r: W.RunRef): To => [[OrchestrationRunStream, { run_id: r.runId }], [OrchestrationWorkflowStream, { workflow_id: r.aiWorkflowId }], account(r.accountId)];

const envelope = (event: string, resourceType: string, resourceId: string, payload: unknown) => ({ event, resource_type: resourceType, resource_id: resourceId, payload, timestamp: expect.stringMatching(TIMESTAMP) });
/** The envelope as an account subscription receives it: `type` (= event) appended for usePageWebSocket. */
const accountEnvelope = (event: string, resourceType: string, resourceId: string, payload: unknown) => ({ ...envelope(event, resourceType, resourceId, payload), type: event });
const run = () => d.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: d.own.runPk } });
const loop = () => d.db.aiRalphLoop.findUniqueOrThrow({ where: { id: d.own.ralphLoopId } });
const batch = () => d.db.batchWorkflowRun.findUniqueOrThrow({ where: { batchId: d.own.batchId } });
const session = () => d.db.aiWorktreeSession.findUniqueOrThrow({ where: { id: d.own.worktreeSessionId } });

describe('AiOrchestrationChannel events', () => {
  const workflow = () => [OrchestrationWorkflowStream, { workflow_id: d.own.workflowId }] as const;

  it('workflow events follow the generic rule (resource + account; monitoring for failed)', async () => {
    const got = await deliveries(() => fanOut(W.WorkflowEvent, generic(workflow(), 'workflow.updated', d.own.accountId), { event: 'workflow.updated', resource_id: d.own.workflowId, payload: { name: 'x' } }));
    expect(Object.keys(got).sort()).toEqual(['account', 'workflow']);
    expect(got.workflow?.[0]).toEqual(envelope('workflow.updated', 'workflow', d.own.workflowId, { name: 'x' }));
    const failed = await deliveries(() => fanOut(W.WorkflowEvent, generic(workflow(), 'workflow.execution.failed', d.own.accountId), { event: 'workflow.execution.failed', resource_id: d.own.workflowId, payload: {} }));
    expect(Object.keys(failed).sort()).toEqual(['account', 'monitoring', 'workflow']);
  });

  it('the generic rule sends alerts to monitoring and skips the account streams without an account', async () => {
    const agent = [OrchestrationAgentStream, { agent_id: d.own.agentId }] as const;
    const input = { event: 'agent.alert', resource_id: d.own.executionPk, payload: { agent_id: d.own.agentId, execution_id: d.own.executionId } };
    const got = await deliveries(() => fanOut(R.AgentExecutionEvent, generic(agent, 'agent.alert', d.own.accountId), input));
    expect(Object.keys(got).sort()).toEqual(['account', 'agent', 'monitoring']);
    const bare = await deliveries(() => fanOut(R.AgentExecutionEvent, generic(agent, 'agent.alert', null), input));
    expect(Object.keys(bare)).toEqual(['agent']);
  });

  it('run events go to the run, workflow and account streams', async () => {
    const r = await run();
    const got = await deliveries(() => fanOut(W.WorkflowRunStatusChanged, runStreams(r), { resource_id: r.runId, payload: { workflow_run: serializeWorkflowRun(r) } }));
    expect(Object.keys(got).sort()).toEqual(['account', 'workflow', 'workflow_run']);
    expect(got.workflow_run?.[0]).toMatchObject({ event: 'workflow.run.status.changed', resource_type: 'workflow_run', resource_id: d.own.runId, payload: { workflow_run: { run_id: d.own.runId, status: 'running' } } });
    const started = await deliveries(() => W.publishWorkflowExecutionStarted(d.broadcaster, r));
    expect(Object.keys(started).sort()).toEqual(['account', 'workflow', 'workflow_run']);
    expect(started.workflow?.[0]?.payload).toEqual({ workflow_run: { id: r.id, run_id: r.runId, workflow_id: r.aiWorkflowId, trigger_type: 'manual', status: 'running', started_at: r.startedAt?.toISOString(), total_nodes: 4 }, event_type: 'execution_started' });
  });

  it('node events carry the node execution and the elapsed display', async () => {
    const r = await run();
    const node: W.NodeExecutionInput = { id: 'n1', execution_id: 'ne-1', status: 'running', started_at: null, completed_at: null, execution_time_ms: null, cost: null, retry_count: 0, node: { node_id: 'start', node_type: 'start', name: 'Start' }, input_data: {}, output_data: {}, error_details: null };
    const got = await deliveries(() => fanOut(W.NodeExecutionUpdated, runStreams(r), { resource_id: r.runId, payload: { workflow_run_id: r.id, run_id: r.runId, node_execution: node } }));
    expect(got.workflow_run?.[0]).toEqual(envelope('node.execution.updated', 'workflow_run', d.own.runId, { workflow_run_id: r.id, run_id: r.runId, node_execution: node }));
    const nodeExecution = { execution_id: 'ne-1', execution_time_ms: 125_000, elapsed_ms: 125_000, elapsed_display: W.formatElapsed(125_000), status: 'running' };
    const duration = await deliveries(() => fanOut(W.NodeDurationUpdated, runStreams(r), { resource_id: r.runId, payload: { workflow_run_id: r.id, run_id: r.runId, node_execution: nodeExecution } }));
    expect(duration.account?.[0]?.payload).toEqual({ workflow_run_id: r.id, run_id: r.runId, node_execution: { execution_id: 'ne-1', execution_time_ms: 125000, elapsed_ms: 125000, elapsed_display: '2m 5s', status: 'running' } });
    expect(W.formatElapsed(12_345)).toBe('12.3s');
  });

  it('streaming events reach the run subscribers', async () => {
    const r = await run();
    const events: Array<[string, () => Promise<void>, unknown]> = [
      ['streaming.execution.started', () => fanOut(W.StreamingExecutionStarted, runStreams(r), { resource_id: r.runId, payload: { run_id: r.runId, workflow_id: r.aiWorkflowId, workflow_name: 'Own Flow' } }), { run_id: r.runId, workflow_id: r.aiWorkflowId, workflow_name: 'Own Flow' }],
      ['streaming.message.received', () => fanOut(W.StreamingMessageReceived, runStreams(r), { resource_id: r.runId, payload: { run_id: r.runId, message: { text: 'hi' } } }), { run_id: r.runId, message: { text: 'hi' } }],
      ['streaming.node.changed', () => fanOut(W.StreamingNodeChanged, runStreams(r), { resource_id: r.runId, payload: { run_id: r.runId, current_node: { node_id: 'n', node_name: 'N', node_type: 'llm' } } }), { run_id: r.runId, current_node: { node_id: 'n', node_name: 'N', node_type: 'llm' } }],
      ['streaming.execution.paused', () => fanOut(W.StreamingExecutionPaused, runStreams(r), { resource_id: r.runId, payload: { run_id: r.runId } }), { run_id: r.runId }],
      ['streaming.execution.failed', () => fanOut(W.StreamingExecutionFailed, runStreams(r), { resource_id: r.runId, payload: { run_id: r.runId, error: 'boom' } }), { run_id: r.runId, error: 'boom' }],
    ];
    for (const [event, publish, payload] of events) {
      const got = await deliveries(publish);
      expect(got.workflow_run?.[0]).toEqual(envelope(event, 'workflow_run', r.runId, payload));
    }
  });

  it('batch events go to the batch and account streams', async () => {
    const b = await batch();
    const to: To = [[OrchestrationBatchStream, { batch_id: b.batchId }], account(b.accountId)];
    const got = await deliveries(() => fanOut(W.BatchExecutionProgress, to, { resource_id: b.batchId, payload: serializeBatch(b) }));
    expect(Object.keys(got).sort()).toEqual(['account', 'batch_execution']);
    expect(got.batch_execution?.[0]).toMatchObject({ event: 'batch.execution.progress', resource_type: 'batch_execution', resource_id: d.own.batchId, payload: { batch_id: d.own.batchId, status: 'running', total_workflows: 2, workflows: [], configuration: {} } });
    const failed = await deliveries(() => fanOut(W.BatchExecutionFailed, to, { resource_id: b.batchId, payload: { ...serializeBatch(b), error: 'quota', message: 'quota' } }));
    expect(failed.batch_execution?.[0]?.payload).toMatchObject({ error: 'quota', message: 'quota' });
    const result = { workflow_id: 'w1', status: 'completed' };
    const done = await deliveries(() => fanOut(W.BatchWorkflowCompleted, to, { resource_id: b.batchId, payload: { batch_execution: serializeBatch(b), workflow_id: result.workflow_id, workflow_status: result } }));
    expect(done.batch_execution?.[0]?.payload).toMatchObject({ workflow_id: 'w1', workflow_status: { workflow_id: 'w1', status: 'completed' }, batch_execution: { batch_id: d.own.batchId } });
  });

  it('agent events reach account, agent and (failed) monitoring subscribers', async () => {
    const execution = await d.db.aiAgentExecution.findUniqueOrThrow({ where: { id: d.own.executionPk } });
    const agent = [OrchestrationAgentStream, { agent_id: execution.aiAgentId }] as const;
    const payload = { agent_id: execution.aiAgentId, execution_id: execution.executionId, error: 'x' };
    const got = await deliveries(() => fanOut(R.AgentExecutionEvent, generic(agent, 'agent.execution.failed', execution.accountId), { event: 'agent.execution.failed', resource_id: execution.id, payload }));
    expect(Object.keys(got).sort()).toEqual(['account', 'agent', 'monitoring']);
    expect(got.account?.[0]).toEqual(accountEnvelope('agent.execution.failed', 'agent_execution', execution.id, { agent_id: d.own.agentId, execution_id: d.own.executionId, error: 'x' }));
    const updated = await deliveries(() => fanOut(R.AgentUpdated, generic(agent, 'agent.updated', d.own.accountId), { resource_id: d.own.agentId, payload: { name: 'n' } }));
    expect(Object.keys(updated).sort()).toEqual(['account', 'agent']);
  });

  it('conversation.* events (EVENT_TYPES) reach the account subscribers with the conversation or message object', async () => {
    const conversation = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.conversationPk }, include: CONVERSATION_INCLUDE });
    const to: To = [account(conversation.accountId)];
    const created = await deliveries(() => fanOut(R.ConversationCreated, to, { resource_id: conversation.id, payload: { conversation: serializeListConversation(conversation) } }));
    expect(Object.keys(created)).toEqual(['account']);
    expect(created.account?.[0]).toEqual(accountEnvelope('conversation.created', 'conversation', conversation.id, { conversation: serializeListConversation(conversation) }));
    const updated = await deliveries(() => fanOut(R.ConversationUpdated, to, { resource_id: conversation.id, payload: { conversation: serializeListConversation(conversation) } }));
    expect(updated.account?.[0]).toMatchObject({ event: 'conversation.updated', payload: { conversation: { id: conversation.id, conversation_id: d.own.conversationKey, title: 'Plan' } } });
    const message = await d.db.aiMessage.findFirstOrThrow({ where: { aiConversationId: conversation.id }, include: MESSAGE_INCLUDE });
    const added = await deliveries(() => fanOut(R.ConversationMessageAdded, to, { resource_id: conversation.id, payload: { conversation_id: conversation.conversationId, message: serializeMessage(conversation, message) } }));
    expect(Object.keys(added)).toEqual(['account']);
    expect(added.account?.[0]).toEqual(accountEnvelope('conversation.message.added', 'conversation', conversation.id, { conversation_id: d.own.conversationKey, message: serializeMessage(conversation, message) }));
    const foreign = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.foreign.conversationPk }, include: CONVERSATION_INCLUDE });
    expect(await deliveries(() => fanOut(R.ConversationUpdated, [account(foreign.accountId)], { resource_id: foreign.id, payload: { conversation: serializeListConversation(foreign) } }))).toEqual({});
  });

  it('alerts go to monitoring and account; health to system:health and account', async () => {
    const alert = { account_id: d.own.accountId, alert_type: 'high_cost', severity: 'warning' };
    const got = await deliveries(() => fanOut(R.MonitoringAlertTriggered, [monitoring(alert.account_id), account(alert.account_id)], { resource_id: alert.alert_type, payload: alert }));
    expect(Object.keys(got).sort()).toEqual(['account', 'monitoring']);
    expect(got.monitoring?.[0]).toEqual(envelope('monitoring.alert.triggered', 'alert', 'high_cost', alert));
    const health = await deliveries(() => fanOut(R.SystemHealthChanged, [[OrchestrationSystemStream, { system_id: 'health' }], account(d.own.accountId)], { resource_id: 'health', payload: { status: 'degraded' } }));
    expect(Object.keys(health).sort()).toEqual(['account', 'health']);
    expect(health.health?.[0]).toEqual(envelope('system.health.changed', 'system', 'health', { status: 'degraded' }));
  });

  it('Ralph loop events go to the loop and account streams', async () => {
    const l = await loop();
    const progress = { loop_id: l.id, status: 'running', progress_percentage: 37.5, current_iteration: 3, completed_task_count: 3, task_count: 8 };
    const to: To = [[OrchestrationRalphLoopStream, { loop_id: l.id }], account(l.accountId)];
    const base = { resource_id: l.id };
    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['ralph_loop.started', () => fanOut(R.RalphLoopStarted, to, { ...base, payload: ralphLoopProgress(l) }), {}],
      ['ralph_loop.iteration_completed', () => fanOut(R.RalphLoopIterationCompleted, to, { ...base, payload: { ...ralphLoopProgress(l), iteration_number: 3 } }), { iteration_number: 3 }],
      ['ralph_loop.task_status_changed', () => fanOut(R.RalphLoopTaskStatusChanged, to, { ...base, payload: { ...ralphLoopProgress(l), task_id: 't1', task_status: 'done' } }), { task_id: 't1', task_status: 'done' }],
      ['ralph_loop.learning_added', () => fanOut(R.RalphLoopLearningAdded, to, { ...base, payload: { ...ralphLoopProgress(l), learning: 'cache it' } }), { learning: 'cache it' }],
      ['ralph_loop.failed', () => fanOut(R.RalphLoopFailed, to, { ...base, payload: { ...ralphLoopProgress(l), error_message: l.errorMessage } }), { error_message: 'stored failure' }],
    ];
    for (const [event, publish, extra] of cases) {
      const got = await deliveries(publish);
      expect(Object.keys(got).sort()).toEqual(['account', 'ralph_loop']);
      expect(got.ralph_loop?.[0]).toEqual(envelope(event, 'ralph_loop', l.id, { ...progress, ...extra }));
    }
  });

  it('account breaker events go to the breaker and account streams', async () => {
    const breaker = await d.db.aiCircuitBreaker.findUniqueOrThrow({ where: { id: d.own.breakerId } });
    const to: To = [[OrchestrationBreakerStream, { breaker_id: breaker.id }], account(breaker.accountId)];
    const got = await deliveries(() => fanOut(R.CircuitBreakerOpened, to, { resource_id: breaker.id, payload: { breaker: serializeBreaker(breaker) } }));
    expect(Object.keys(got).sort()).toEqual(['account', 'breaker']);
    expect(got.breaker?.[0]).toMatchObject({ event: 'circuit_breaker.opened', resource_type: 'circuit_breaker', resource_id: breaker.id, payload: { breaker: { id: breaker.id, name: 'assistant-llm', state: 'closed', account_id: d.own.accountId } } });
    const failure = await deliveries(() => fanOut(R.CircuitBreakerFailure, to, { resource_id: breaker.id, payload: { breaker_id: breaker.id, metadata: { error: 'timeout' } } }));
    expect(failure.breaker?.[0]?.payload).toEqual({ breaker_id: breaker.id, metadata: { error: 'timeout' } });
  });

  it('service breaker events go to the breaker, its service and the all stream, never to an account', async () => {
    const breaker = await d.db.circuitBreaker.findUniqueOrThrow({ where: { id: d.serviceBreakerId } });
    const to: To = [[OrchestrationBreakerStream, { breaker_id: breaker.id }], [OrchestrationBreakerServiceStream, { service: breaker.service }], [OrchestrationBreakerStream, { breaker_id: 'all' }]];
    const got = await deliveries(() => fanOut(R.CircuitBreakerStateChanged, to, { resource_id: breaker.id, payload: { breaker: serializeBreaker(breaker) } }));
    expect(Object.keys(got).sort()).toEqual(['all_breakers', 'breaker_service', 'service_breaker']);
    expect(got.breaker_service?.[0]).toMatchObject({ payload: { breaker: { id: breaker.id, service: 'openai', account_id: null } } });
  });

  it('worktree session, worktree and merge events go to the session and account streams', async () => {
    const s = await session();
    const w = await d.db.aiWorktree.findUniqueOrThrow({ where: { id: d.own.worktreeId } });
    const to: To = [[OrchestrationWorktreeSessionStream, { session_id: s.id }], account(s.accountId)];
    const got = await deliveries(() => fanOut(R.WorktreeSessionEvent, to, { event: 'worktree_session.merging', resource_id: s.id, payload: { ...worktreeSessionSummary(s), step: 1 } }));
    expect(Object.keys(got).sort()).toEqual(['account', 'worktree_session']);
    expect(got.worktree_session?.[0]).toMatchObject({ event: 'worktree_session.merging', resource_type: 'worktree_session', resource_id: s.id, payload: { id: s.id, repository_path: '/srv/app', step: 1 } });
    const tree = await deliveries(() => fanOut(R.WorktreeEvent, to, { event: 'worktree.ready', resource_id: w.worktreeSessionId, payload: worktreeSummary(w) }));
    expect(tree.worktree_session?.[0]).toMatchObject({ event: 'worktree.ready', resource_type: 'worktree_session', resource_id: s.id, payload: { id: w.id, branch_name: 'feature/x', worktree_session_id: s.id } });
    const merge = await deliveries(() => fanOut(R.MergeConflict, to, { resource_id: s.id, payload: { session_id: s.id, files: ['a.ts'] } }));
    expect(merge.account?.[0]).toMatchObject({ event: 'merge.conflict', payload: { session_id: s.id, files: ['a.ts'] } });
  });

  it('system_metrics_update reaches account and monitoring subscribers on ai_orchestration_<account>', async () => {
    const got = await deliveries(() => broadcaster(SystemMetricsUpdate, LegacyMetricsStream)(d.broadcaster, { account_id: d.own.accountId }, { metrics: { cpu: 0.5 } }));
    expect(Object.keys(got).sort()).toEqual(['account', 'monitoring']);
    expect(got.account?.[0]).toEqual({ type: 'system_metrics_update', metrics: { cpu: 0.5 }, timestamp: expect.stringMatching(TIMESTAMP) });
  });

  it('events of a foreign account reach none of these subscriptions', async () => {
    const foreignRun = await d.db.aiWorkflowRun.findFirstOrThrow({ where: { runId: d.foreign.runId } });
    const foreignLoop = await d.db.aiRalphLoop.findUniqueOrThrow({ where: { id: d.foreign.ralphLoopId } });
    expect(await deliveries(() => fanOut(W.WorkflowRunStatusChanged, runStreams(foreignRun), { resource_id: foreignRun.runId, payload: { workflow_run: serializeWorkflowRun(foreignRun) } }))).toEqual({});
    const loopTo: To = [[OrchestrationRalphLoopStream, { loop_id: foreignLoop.id }], account(foreignLoop.accountId)];
    expect(await deliveries(() => fanOut(R.RalphLoopProgressed, loopTo, { resource_id: foreignLoop.id, payload: ralphLoopProgress(foreignLoop) }))).toEqual({});
  });
});
