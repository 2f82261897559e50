// WorkerToolDispatchChannel (powernode-channels.md §2.23, §6.4): worker → server RPC for agent tools. Worker
// identities only; every agent is looked up in the worker's account (system workers: any account). Tool calls go
// to the job outbox; their recorded results come back by `tool_result` and as a push on `worker_tool_dispatch:<id>`.

import { z } from 'zod';
import { RpcError, rpcRequest, WorkerRpcChannel } from './worker-rpc-channel';
import { jobPayload } from './worker-jobs';
import { enqueueToolCall, toolArguments, toolDefinitions, toolDispatchStream, toolError, toolsEnabled, TOOL_DISPATCH_JOB, type ToolAgent } from './worker-tools';
import { jsonValue } from './extension-payloads';

const AgentId = z.string({ error: 'agent_id required' }).min(1, 'agent_id required').max(64);
const ToolDefinitions = rpcRequest({ agent_id: AgentId });
const DispatchTool = rpcRequest({
  agent_id: AgentId,
  tool_call: z.looseObject({ name: z.string().min(1).max(200), id: z.string().max(200).optional(), arguments: z.unknown().optional() }, { error: 'tool_call required' }),
});
const ToolResult = rpcRequest({ job_id: z.string({ error: 'job_id required' }).max(64) });
const Ping = rpcRequest({});

/** Tool definitions and tool calls for the agents a worker runs. */
export class WorkerToolDispatchChannel extends WorkerRpcChannel {
  static override identifier = 'WorkerToolDispatchChannel';
  static override actions = { tool_definitions: ToolDefinitions, dispatch_tool: DispatchTool, tool_result: ToolResult, ping: Ping };

  override subscribed(): void {
    this.streamFrom(toolDispatchStream(this.worker.workerId));
  }

  /** `tool_definitions {agent_id}` → `{tools, tools_enabled}`. */
  async tool_definitions({ agent_id }: z.infer<typeof ToolDefinitions>): Promise<Record<string, unknown>> {
    const agent = await this.findAgent(agent_id);
    return { tools: await toolDefinitions(this.db, agent), tools_enabled: toolsEnabled(agent) };
  }

  /** `dispatch_tool {agent_id, tool_call}` → `{result}`: the queued job, or the original's error-as-result shapes. */
  async dispatch_tool({ agent_id, tool_call }: z.infer<typeof DispatchTool>): Promise<{ result: Record<string, unknown> }> {
    const agent = await this.findAgent(agent_id);
    const name = tool_call.name;
    if (!toolsEnabled(agent)) return { result: toolError('Permission denied', name, 'Tools are disabled for this agent') };
    const tools = await toolDefinitions(this.db, agent);
    if (!tools.some((t) => t.name === name)) return { result: toolError(`Unknown tool: ${name}`, name, `Tool ${name} is not available to this agent`) };
    const args = toolArguments(tool_call.arguments);
    if (!args) return { result: toolError('Tool execution failed', name, 'arguments must be a JSON object') };
    const job = await enqueueToolCall(this.services, agent, { name, id: tool_call.id ?? null, arguments: args }, this.worker.workerId);
    return { result: { status: 'queued', job_id: job.id, tool: name, tool_call_id: tool_call.id ?? null } };
  }

  /** `tool_result {job_id}` → `{job, result}`: the recorded result of a tool call (null until a worker completes it). */
  async tool_result({ job_id }: z.infer<typeof ToolResult>): Promise<Record<string, unknown>> {
    const job = await this.db.jobOutbox.findFirst({ where: { id: this.uuidOr(job_id, 'Job not found'), jobClass: TOOL_DISPATCH_JOB, ...this.accountScope() } });
    if (!job) throw new RpcError('Job not found');
    return { job: jobPayload(job), result: job.status === 'done' ? jsonValue(job.result, null) : null, error: job.error };
  }

  private async findAgent(agentId: string): Promise<ToolAgent> {
    const id = this.uuidOr(agentId, 'Agent not found');
    const agent = await this.db.aiAgent.findFirst({ where: { id, ...this.accountScope() }, select: { id: true, accountId: true, agentType: true, configuration: true } });
    if (!agent) throw new RpcError('Agent not found');
    return agent;
  }
}
