// AiAgentExecutionChannel (docs/channels.md): follows one agent execution of the caller's account, looked up by its
// `execution_id` column; answers `request_status` and `request_agent_status` from the database.

import { z } from 'zod';
import { eventMessage, NotFoundError } from '../../src/channel/index';
import { ApplicationChannel, isUuid } from '../application-channel';
import {
  AGENT_EXECUTION_EVENTS, AgentExecutionStream, AgentStatus as AgentStatusEvent, ExecutionError, ExecutionStatus, ExecutionSubscriptionConfirmed, agentExecutionStream, serializeExecution,
} from './ai-agent-execution-events';

const Params = z.looseObject({ execution_id: z.string().min(1).max(100) });
type ExecutionParams = z.infer<typeof Params>;
const AgentStatus = z.looseObject({ agent_id: z.unknown().optional() });

/** Status of one agent execution, and its agent's recent executions. */
export class AiAgentExecutionChannel extends ApplicationChannel<ExecutionParams> {
  static override channel = 'AiAgentExecutionChannel';
  static override params = Params;
  static override actions = { request_status: z.looseObject({}), request_agent_status: AgentStatus };
  static events = AGENT_EXECUTION_EVENTS;
  static streams = [AgentExecutionStream];

  override async subscribed(): Promise<void> {
    const executionId = this.params.execution_id;
    const row = await this.db.aiAgentExecution.findFirst({ where: { executionId, accountId: this.accountId }, select: { id: true } });
    this.found(row, 'execution');
    this.streamFrom(agentExecutionStream(executionId));
    this.transmit(eventMessage(ExecutionSubscriptionConfirmed, { execution_id: executionId, timestamp: this.now() }));
  }

  async request_status(): Promise<void> {
    const execution = await this.db.aiAgentExecution.findFirst({
      where: { executionId: this.params.execution_id, accountId: this.accountId },
      include: { agent: { select: { name: true } } },
    });
    if (!execution) return this.transmitError('Execution not found');
    this.transmit(eventMessage(ExecutionStatus, { execution: serializeExecution(execution), timestamp: this.now() }));
  }

  async request_agent_status(data: z.infer<typeof AgentStatus>): Promise<void> {
    const agentId = data.agent_id;
    if (agentId === undefined || agentId === null || agentId === '') return this.transmitError('Missing agent_id');
    const agent = isUuid(agentId) ? await this.db.aiAgent.findFirst({ where: { id: agentId.toLowerCase(), accountId: this.accountId } }) : null;
    if (!agent) return this.transmitError('Agent not found');
    const recent = await this.db.aiAgentExecution.findMany({
      where: { aiAgentId: agent.id, accountId: this.accountId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 5,
      include: { agent: { select: { name: true } } },
    });
    this.transmit(eventMessage(AgentStatusEvent, {
      agent_id: agent.id,
      agent_name: agent.name,
      status: agent.status,
      recent_executions: recent.map(serializeExecution),
      timestamp: this.now(),
    }));
  }

  override rescue(error: unknown, action: string): void {
    super.rescue(error, action);
    this.transmitError(error instanceof NotFoundError ? error.message : 'Request failed');
  }

  private transmitError(message: string): void {
    this.transmit(eventMessage(ExecutionError, { error: message, timestamp: this.now() }));
  }
}
