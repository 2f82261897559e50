// AiWorkflowOrchestrationChannel: the account stream, create_workflow (nodes, edges, slug), update_workflow
// (allowlist, same account), execute_workflow (run + job outbox), every error frame, and the lock/unlock/
// collaborative publishers.

import { AiWorkflowOrchestrationChannel } from '../../../channels/ai/ai-workflow-orchestration-channel';
import { person, publishWorkflowCollaborativeUpdate, WorkflowLocked, WorkflowUnlocked } from '../../../channels/ai/ai-workflow-orchestration-events';
import { broadcaster } from '../../../src/channel/index';
import { slugFrom } from '../../../channels/ai/workflow-writes';
import { adminWorker, appHarness, channelSuite, expectConfirmed, replyTo, TIMESTAMP } from '../../support/channel-suite';
import { FAILING_JOBS, identityOf, openAiDb, UNKNOWN_UUID } from './fixtures';

const d = channelSuite(openAiDb, [AiWorkflowOrchestrationChannel]);

const params = { channel: 'AiWorkflowOrchestrationChannel' };
// The owner may write: each action needs its workflow permission (docs/channels.md, Who may write).
const WRITE = ['ai.workflows.create', 'ai.workflows.update', 'ai.workflows.execute'];
const owner = () => identityOf(d.own.accountId, d.own.ownerId, WRITE, 'Own Owner');
const error = (message: string) => ({ type: 'error', error: message, timestamp: expect.stringMatching(TIMESTAMP) });

const subscribed = (identity = owner()) => d.subscribed(identity, params);

describe('AiWorkflowOrchestrationChannel', () => {
  describe('subscribe', () => {
    it('streams the own account orchestration stream and confirms', async () => {
      const client = await subscribed();
      expect(client.streams(params)).toEqual([`ai_orchestration:account:${d.own.accountId}`]);
      expect(client.received(params)).toEqual([{ type: 'subscription.confirmed', channel: 'workflow_orchestration', timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('accepts the own account_id and rejects a foreign one', async () => {
      const client = await d.subscribed(owner(), { ...params, account_id: d.own.accountId });
      expect(await client.subscribe({ ...params, account_id: d.foreign.accountId })).toBe('reject_subscription');
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), params);
    });
  });

  describe('#create_workflow', () => {
    it('creates the workflow with its nodes and edges and a slug from the name', async () => {
      const client = await subscribed();
      await client.perform(params, 'create_workflow', {
        workflow: { name: 'Release Notes: Draft!', description: 'Writes notes', account_id: d.foreign.accountId, creator_id: 'x' },
        nodes: [
          { node_id: 'start', node_type: 'start', name: 'Start', position_x: 10, position_y: 20 },
          { node_id: 'llm', node_type: 'ai_agent', name: 'Write', configuration: { model: 'gpt' } },
        ],
        edges: [{ edge_id: 'e1', source_node_id: 'start', target_node_id: 'llm' }],
      });
      const reply = client.last(params) as { type: string; workflow: { id: string } };
      expect(reply).toEqual({ type: 'workflow_created', workflow: { id: expect.any(String), name: 'Release Notes: Draft!', description: 'Writes notes', status: 'draft', created_at: expect.stringMatching(TIMESTAMP) } });
      const row = await d.db.aiWorkflow.findUniqueOrThrow({ where: { id: reply.workflow.id }, include: { nodes: { orderBy: { nodeId: 'desc' } }, edges: true } });
      expect(row).toMatchObject({ accountId: d.own.accountId, createdById: d.own.ownerId, slug: 'release-notes-draft', visibility: 'private', workflowType: 'ai', version: '1.0.0', isActive: true, configuration: { version: 1 } });
      expect(row.nodes.map((n) => [n.nodeId, n.positionX, n.positionY, n.configuration])).toEqual([['start', 10, 20, { type: 'start' }], ['llm', 0, 0, { model: 'gpt' }]]);
      expect(row.edges.map((e) => [e.edgeId, e.sourceNodeId, e.targetNodeId, e.edgeType])).toEqual([['e1', 'start', 'llm', 'default']]);
    });

    it('keeps a given slug and refuses a taken one', async () => {
      const client = await subscribed();
      expect(await replyTo(client, params, 'create_workflow', { workflow: { name: 'Any', slug: 'fixed-slug' } })).toMatchObject({ type: 'workflow_created' });
      expect(await replyTo(client, params, 'create_workflow', { workflow: { name: 'Other', slug: 'fixed-slug' } })).toEqual(error('Validation failed: Slug has already been taken'));
    });

    it.each([
      ['no workflow', {}, 'Missing workflow data'],
      ['no name', { workflow: { description: 'x' } }, "Validation failed: Name can't be blank"],
      ['an edge to a missing node', { workflow: { name: 'E' }, nodes: [{ node_id: 'a', node_type: 'start', name: 'A' }], edges: [{ edge_id: 'e', source_node_id: 'a', target_node_id: 'zz' }] }, 'Validation failed: Target node must exist'],
      ['nodes that are not a list', { workflow: { name: 'N' }, nodes: 'start' }, 'Validation failed: Value is invalid'],
      ['a bad status', { workflow: { name: 'S', status: 'exploded' } }, 'Validation failed: Status is not included in the list'],
    ])('replies the error frame for %s', async (_name, data, message) => {
      const client = await subscribed();
      expect(await replyTo(client, params, 'create_workflow', data)).toEqual(error(message as string));
    });

    it('derives Rails slugs', () => {
      expect(slugFrom('  Hello,  World -- 2 ')).toBe('hello-world-2');
      expect(slugFrom('!!!')).toMatch(/^workflow-[0-9a-f]{8}$/);
    });
  });

  describe('#update_workflow', () => {
    it('applies only allowlisted attributes, replies workflow_updated and broadcasts the collaborative update', async () => {
      const client = await subscribed();
      const watcher = await subscribed(identityOf(d.own.accountId, d.own.otherUserId));
      await client.perform(params, 'update_workflow', { workflow_id: d.own.workflowId, updates: { name: 'Renamed', description: 'New', account_id: d.foreign.accountId, created_by: d.foreign.ownerId, id: UNKNOWN_UUID } });
      const row = await d.db.aiWorkflow.findUniqueOrThrow({ where: { id: d.own.workflowId } });
      expect(row).toMatchObject({ id: d.own.workflowId, name: 'Renamed', description: 'New', accountId: d.own.accountId, createdById: null });
      const received = client.received(params).slice(1);
      expect(received[0]).toEqual({ type: 'workflow_updated', workflow: { id: d.own.workflowId, name: 'Renamed', description: 'New', status: 'active', created_at: expect.stringMatching(TIMESTAMP) } });
      const broadcast = { type: 'workflow_collaborative_update', workflow_id: d.own.workflowId, updated_by: { id: d.own.ownerId, full_name: 'Own Owner', email: `${d.own.ownerId}@example.test` }, action: 'updated', timestamp: expect.stringMatching(TIMESTAMP) };
      expect(received[1]).toEqual(broadcast);
      expect(watcher.last(params)).toEqual(broadcast);
    });

    it.each([
      ['a missing workflow_id', () => ({ updates: { name: 'x' } }), 'Missing workflow_id'],
      ['a foreign workflow', () => ({ workflow_id: d.foreign.workflowId, updates: { name: 'x' } }), 'Workflow not found'],
      ['a malformed workflow id', () => ({ workflow_id: 'drop table', updates: { name: 'x' } }), 'Workflow not found'],
      ['missing updates', () => ({ workflow_id: d.own.workflowId }), 'Missing updates'],
      ['an invalid value', () => ({ workflow_id: d.own.workflowId, updates: { visibility: 'everyone' } }), 'Validation failed: Visibility is not included in the list'],
    ])('replies the error frame for %s', async (_name, data, message) => {
      const client = await subscribed();
      expect(await replyTo(client, params, 'update_workflow', data())).toEqual(error(message as string));
    });

    it('leaves a foreign workflow untouched', async () => {
      const client = await subscribed();
      await client.perform(params, 'update_workflow', { workflow_id: d.foreign.workflowId, updates: { name: 'pwned' } });
      expect((await d.db.aiWorkflow.findUniqueOrThrow({ where: { id: d.foreign.workflowId } })).name).toBe('Foreign Flow');
    });
  });

  describe('#execute_workflow', () => {
    it('creates a run, queues AiWorkflowExecutionJob and replies workflow_execution_started', async () => {
      const client = await subscribed();
      await client.perform(params, 'execute_workflow', { workflow_id: d.own.workflowId, input_variables: { topic: 'release' } });
      const received = client.received(params).slice(1) as Array<Record<string, unknown>>;
      const reply = received.find((m) => m.type === 'workflow_execution_started') as { workflow_run: { id: string; run_id: string } };
      expect(reply.workflow_run).toEqual({ id: expect.any(String), run_id: expect.any(String), status: 'initializing', trigger_type: 'manual', created_at: expect.stringMatching(TIMESTAMP), started_at: null });
      const run = await d.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: reply.workflow_run.id } });
      expect(run).toMatchObject({ accountId: d.own.accountId, aiWorkflowId: d.own.workflowId, triggeredByUserId: d.own.ownerId, totalNodes: 1, inputVariables: { topic: 'release' } });
      const job = await d.db.jobOutbox.findFirstOrThrow({ where: { jobClass: 'AiWorkflowExecutionJob' } });
      expect(job).toMatchObject({ accountId: d.own.accountId, queue: 'ai_workflows', args: [run.runId, { realtime: true, channel_id: `ai_workflow_execution_${run.runId}` }] });
      expect(received.find((m) => m.event === 'workflow.execution.started')).toMatchObject({ resource_type: 'workflow_run', resource_id: run.runId });
    });

    it('returns the run started moments ago instead of a duplicate', async () => {
      const client = await subscribed();
      await client.perform(params, 'execute_workflow', { workflow_id: d.own.workflowId });
      const runs = await d.db.aiWorkflowRun.count({ where: { aiWorkflowId: d.own.workflowId } });
      await client.perform(params, 'execute_workflow', { workflow_id: d.own.workflowId });
      expect(await d.db.aiWorkflowRun.count({ where: { aiWorkflowId: d.own.workflowId } })).toBe(runs);
      expect(client.last(params)).toMatchObject({ type: 'workflow_execution_started' });
    });

    it('still replies with the run when the job cannot be queued', async () => {
      const client = await expectConfirmed(await d.connect(owner(), appHarness([AiWorkflowOrchestrationChannel], d.db, { jobs: FAILING_JOBS }).server), params);
      await d.db.aiWorkflowRun.deleteMany({ where: { aiWorkflowId: d.own.workflowId } });
      await client.perform(params, 'execute_workflow', { workflow_id: d.own.workflowId });
      expect(client.received(params).some((m) => (m as { type?: string }).type === 'workflow_execution_started')).toBe(true);
    });

    it.each([
      ['a missing workflow_id', () => ({}), 'Missing workflow_id'],
      ['a foreign workflow', () => ({ workflow_id: d.foreign.workflowId }), 'Workflow not found'],
      ['a draft workflow without nodes', () => ({ workflow_id: d.own.draftWorkflowId }), 'Workflow is not in a state that can be executed'],
      ['non-object input variables', () => ({ workflow_id: d.own.workflowId, input_variables: [1, 2] }), expect.stringMatching(/^Validation failed: /)],
    ])('replies the error frame for %s', async (_name, data, message) => {
      const client = await subscribed();
      expect(await replyTo(client, params, 'execute_workflow', data())).toEqual(error(message as string));
    });
  });

  describe('broadcasts', () => {
    const user = person({ id: 'u-1', name: 'Ada Lovelace', email: 'ada@example.test' });
    it('workflow_locked, workflow_unlocked and workflow_collaborative_update reach the account subscribers', async () => {
      const client = await subscribed();
      await broadcaster(WorkflowLocked)(d.broadcaster, { account_id: d.own.accountId }, { workflow_id: d.own.workflowId, locked_by: user });
      expect(client.last(params)).toEqual({ type: 'workflow_locked', workflow_id: d.own.workflowId, locked_by: { id: 'u-1', full_name: 'Ada Lovelace', email: 'ada@example.test' }, timestamp: expect.stringMatching(TIMESTAMP) });
      await broadcaster(WorkflowUnlocked)(d.broadcaster, { account_id: d.own.accountId }, { workflow_id: d.own.workflowId, unlocked_by: user });
      expect(client.last(params)).toEqual({ type: 'workflow_unlocked', workflow_id: d.own.workflowId, unlocked_by: { id: 'u-1', full_name: 'Ada Lovelace', email: 'ada@example.test' }, timestamp: expect.stringMatching(TIMESTAMP) });
      await publishWorkflowCollaborativeUpdate(d.broadcaster, { account_id: d.own.accountId }, { workflow_id: d.own.workflowId, updated_by: user, action: 'node_added' });
      expect(client.last(params)).toMatchObject({ type: 'workflow_collaborative_update', action: 'node_added', updated_by: { full_name: 'Ada Lovelace' } });
      await broadcaster(WorkflowLocked)(d.broadcaster, { account_id: d.foreign.accountId }, { workflow_id: d.foreign.workflowId, locked_by: user });
      expect(client.last(params)).toMatchObject({ type: 'workflow_collaborative_update' });
    });
  });
});
