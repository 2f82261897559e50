// AiAgentExecutionChannel: lookup by the execution_id column in the caller's account, the exact stream, the
// status replies built from the real columns, their error paths, and both publishers.

import { AiAgentExecutionChannel } from '../../../channels/ai/ai-agent-execution-channel';
import { ExecutionStatusChange, ExecutionUpdate } from '../../../channels/ai/ai-agent-execution-events';
import { broadcaster } from '../../../src/channel/index';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, replyTo, TIMESTAMP } from '../../support/channel-suite';
import { identityOf, openAiDb, UNKNOWN_UUID } from './fixtures';

const d = channelSuite(openAiDb, [AiAgentExecutionChannel]);

const params = (executionId: unknown) => ({ channel: 'AiAgentExecutionChannel', execution_id: executionId });

const subscribed = (executionId = d.own.executionId) => d.subscribed(identityOf(d.own.accountId, d.own.ownerId), params(executionId));

describe('AiAgentExecutionChannel', () => {
  describe('subscribe', () => {
    it('accepts an execution of the own account and streams ai_agent_execution:<execution_id>', async () => {
      const client = await subscribed();
      expect(client.streams(params(d.own.executionId))).toEqual([`ai_agent_execution:${d.own.executionId}`]);
      expect(client.received(params(d.own.executionId))).toEqual([
        { type: 'subscription.confirmed', channel: 'agent_execution', execution_id: d.own.executionId, timestamp: expect.stringMatching(TIMESTAMP) },
      ]);
    });

    it('rejects an execution of a foreign account', async () => {
      await d.refuses(testUser(d.own.accountId), params(d.foreign.executionId));
    });

    it('rejects the primary key (the lookup key is the execution_id column) and unknown ids', async () => {
      await d.refuses(testUser(d.own.accountId), params(d.own.executionPk), params(UNKNOWN_UUID));
    });

    it('rejects a malformed id and missing params', async () => {
      await d.refuses(testUser(d.own.accountId), params(42), params(''), { channel: 'AiAgentExecutionChannel' });
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), params(d.own.executionId));
    });

    it('needs no permission (the original requires none)', async () => {
      await d.subscribed(testUser(d.own.accountId), params(d.own.executionId));
    });
  });

  describe('#request_status', () => {
    it('replies execution_status built from duration_ms, cost_usd and input_parameters', async () => {
      const client = await subscribed();
      expect(await replyTo(client, params(d.own.executionId), 'request_status')).toEqual({
        type: 'execution_status',
        execution: {
          id: d.own.executionPk,
          execution_id: d.own.executionId,
          agent_id: d.own.agentId,
          agent_name: 'Own Assistant',
          status: 'completed',
          started_at: '2026-03-15T09:29:28Z',
          completed_at: '2026-03-15T09:30:28Z',
          execution_time_ms: 60000,
          total_cost: '0.0123',
          input_data: { prompt: 'hi' },
          output_data: { answer: 'hello' },
          error_details: {},
        },
        timestamp: expect.stringMatching(TIMESTAMP),
      });
    });

    it('replies the error frame when the execution is gone', async () => {
      const row = await d.db.aiAgentExecution.create({ data: { accountId: d.own.accountId, aiAgentId: d.own.agentId, executionId: `gone-${Date.now()}` } });
      const client = await subscribed(row.executionId);
      await d.db.aiAgentExecution.delete({ where: { id: row.id } });
      expect(await replyTo(client, params(row.executionId), 'request_status')).toEqual({ type: 'error', error: 'Execution not found', timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });

  describe('#request_agent_status', () => {
    it('replies agent_status with up to five recent executions, newest first', async () => {
      for (let i = 0; i < 6; i++) {
        await d.db.aiAgentExecution.create({ data: { accountId: d.own.accountId, aiAgentId: d.own.agentId, executionId: `recent-${i}-${Date.now()}`, createdAt: new Date(Date.UTC(2026, 3, 1, 0, i)) } });
      }
      const client = await subscribed();
      await client.perform(params(d.own.executionId), 'request_agent_status', { agent_id: d.own.agentId });
      const reply = client.last(params(d.own.executionId));
      expect(reply).toMatchObject({ type: 'agent_status', agent_id: d.own.agentId, agent_name: 'Own Assistant', status: 'active', timestamp: expect.stringMatching(TIMESTAMP) });
      const recent = reply.recent_executions as Array<{ execution_id: string; agent_name: string }>;
      expect(recent).toHaveLength(5);
      expect(recent[0]?.execution_id).toMatch(/^recent-5-/);
      expect(recent[4]?.execution_id).toMatch(/^recent-1-/);
      expect(recent[0]?.agent_name).toBe('Own Assistant');
    });

    it('replies "Missing agent_id" without an agent_id', async () => {
      const client = await subscribed();
      expect(await replyTo(client, params(d.own.executionId), 'request_agent_status')).toEqual({ type: 'error', error: 'Missing agent_id', timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('replies "Agent not found" for a foreign, unknown or malformed agent', async () => {
      const client = await subscribed();
      for (const agentId of [d.foreign.agentId, UNKNOWN_UUID, 'not-a-uuid', 7]) {
        expect(await replyTo(client, params(d.own.executionId), 'request_agent_status', { agent_id: agentId })).toEqual({ type: 'error', error: 'Agent not found', timestamp: expect.stringMatching(TIMESTAMP) });
      }
    });
  });

  describe('catalog broadcasts', () => {
    it('ExecutionUpdate sends the hash plus a timestamp', async () => {
      const client = await subscribed();
      await broadcaster(ExecutionUpdate)(d.broadcaster, { execution_id: d.own.executionId }, { type: 'progress', percent: 50 });
      expect(client.last(params(d.own.executionId))).toEqual({ type: 'progress', percent: 50, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('ExecutionStatusChange sends status_change with the details', async () => {
      const client = await subscribed();
      await broadcaster(ExecutionStatusChange)(d.broadcaster, { execution_id: d.own.executionId }, { execution_id: d.own.executionId, status: 'failed', details: { error: 'timeout' } });
      expect(client.last(params(d.own.executionId))).toEqual({
        type: 'status_change', execution_id: d.own.executionId, status: 'failed', error: 'timeout', timestamp: expect.stringMatching(TIMESTAMP),
      });
    });
  });
});
