// WorkerToolDispatchChannel (docs/channels.md): worker → server RPC for agent tools. Worker
// identities only; every agent is looked up in the worker's account (system workers: any account). A tool call is
// forwarded to the Rails API when RAILS_API_URL is set; otherwise it goes to the job outbox when a tool executor is
// registered (answered with the tool's output once a worker completes the job, or a timeout error), and is refused at
// once when none is, so the Ruby LlmProxyClient falls back to HTTP in milliseconds instead of 25 s.

import { z } from 'zod';
import { REPLY_LATER, RequestId, RpcError, rpcReplies, rpcRequest, WorkerRpcChannel } from './worker-rpc-channel';
import { jobPayload } from './worker-jobs';
import { enqueueToolCall, toolArguments, toolDefinitions, ToolDispatchStream, toolDispatchStream, ToolResultPushed, toolError, toolOutput, toolsEnabled, TOOL_ARGUMENT_LIMITS, TOOL_DISPATCH_JOB, type ToolAgent } from './worker-tools';
import { jsonObject } from './extension-payloads';
import { boundedJson } from '../support/bounded-json';
import type { RailsApi } from '../support/services';
import { toolExecutorsOf } from '../support/tool-executors';
import { forwardDispatchTool } from './rails-tool-dispatch';

const AgentId = z.string({ error: 'agent_id required' }).min(1, 'agent_id required').max(64);
const ToolDefinitions = rpcRequest({ agent_id: AgentId });
const DispatchTool = rpcRequest({
  agent_id: AgentId,
  tool_call: z.looseObject({ name: z.string().min(1).max(200), id: z.string().max(200).optional(), arguments: boundedJson(TOOL_ARGUMENT_LIMITS).optional() }, { error: 'tool_call required' }),
});
const ToolResult = rpcRequest({ job_id: z.string({ error: 'job_id required' }).max(64) });
const Ping = rpcRequest({});

const ACTIONS = { tool_definitions: ToolDefinitions, dispatch_tool: DispatchTool, tool_result: ToolResult, ping: Ping };
/** `{request_id, success, data|error}` replies of every action. */
const REPLIES = rpcReplies(Object.keys(ACTIONS));

/** Tool calls of one subscription that may wait for their result at the same time. */
export const MAX_TOOL_CALLS_IN_FLIGHT = 64;

interface Waiting {
  requestId: z.infer<typeof RequestId>;
  tool: string;
  /** Cancels the timeout of this call. */
  cancel: () => void;
}

/** Tool definitions and tool calls for the agents a worker runs. */
export class WorkerToolDispatchChannel extends WorkerRpcChannel {
  static override channel = 'WorkerToolDispatchChannel';
  static override actions = ACTIONS;
  static events = [REPLIES.Success, REPLIES.Failure, ToolResultPushed] as const;
  static streams = [ToolDispatchStream];
  protected override readonly replies = REPLIES;
  /** How long `dispatch_tool` waits for the tool's result: under the Ruby client's 30 s request timeout. */
  static toolResultTimeoutMs = 25_000;
  private readonly waiting = new Map<string, Waiting>();
  /** Calls forwarded to Rails and not answered yet. */
  private forwarding = 0;

  override subscribed(): void {
    // Every message of the stream is relayed (Rails' stream_from); finished tool calls also answer their request.
    this.streamFrom(toolDispatchStream(this.worker.workerId), (message) => {
      this.transmit(message);
      this.toolFinished(message);
    });
  }

  override unsubscribed(): void {
    // The timeouts stop with the subscription's other timers.
    this.waiting.clear();
  }

  /** `tool_definitions {agent_id}` → `{tools, tools_enabled}`. */
  async tool_definitions({ agent_id }: z.infer<typeof ToolDefinitions>): Promise<Record<string, unknown>> {
    const agent = await this.findAgent(agent_id);
    return { tools: await toolDefinitions(this.db, agent), tools_enabled: toolsEnabled(agent) };
  }

  /**
   * `dispatch_tool {agent_id, tool_call}` → `{result}`: Rails' answer when RAILS_API_URL is set; otherwise the tool's
   * output once an executor ran it, the original's error-as-result shapes, or "No tool executor available" at once.
   */
  async dispatch_tool(req: z.infer<typeof DispatchTool>): Promise<{ result: Record<string, unknown> } | typeof REPLY_LATER> {
    const agent = await this.findAgent(req.agent_id);
    const rails = this.services.railsApi;
    if (rails) return this.forward(rails, req, agent.id);
    const { request_id, tool_call } = req;
    const name = tool_call.name;
    if (!toolsEnabled(agent)) return { result: toolError('Permission denied', name, 'Tools are disabled for this agent') };
    const tools = await toolDefinitions(this.db, agent);
    if (!tools.some((t) => t.name === name)) return { result: toolError(`Unknown tool: ${name}`, name, `Tool ${name} is not available to this agent`) };
    const args = toolArguments(tool_call.arguments);
    if (!args) return { result: toolError('Tool execution failed', name, 'arguments must be a JSON object') };
    // Nobody would claim the job: answer now so the client falls back to HTTP instead of waiting for the timeout.
    if (!toolExecutorsOf(this.services).servesAccount(agent.accountId)) throw new RpcError('No tool executor available');
    this.checkCapacity();
    const job = await enqueueToolCall(this.services, agent, { name, id: tool_call.id ?? null, arguments: args }, this.worker.workerId);
    this.wait(job.id, request_id, name);
    // A worker may have finished the job before the wait was registered.
    const row = await this.db.jobOutbox.findFirst({ where: { id: job.id, status: { in: ['done', 'failed'] } } });
    if (row) this.settle(job.id, row.status === 'done', toolOutput(row.result), row.error);
    return REPLY_LATER;
  }

  /** `tool_result {job_id}` → `{job, result}`: the recorded result of a tool call (null until a worker completes it). */
  async tool_result({ job_id }: z.infer<typeof ToolResult>): Promise<Record<string, unknown>> {
    const job = await this.db.jobOutbox.findFirst({ where: { id: this.uuidOr(job_id, 'Job not found'), jobClass: TOOL_DISPATCH_JOB, ...this.accountScope() } });
    if (!job) throw new RpcError('Job not found');
    return { job: jobPayload(job), result: job.status === 'done' ? toolOutput(job.result) : null, error: job.error };
  }

  /** Send the call to Rails in the background (other requests of the connection go on) and reply with its answer. */
  private forward(rails: RailsApi, req: z.infer<typeof DispatchTool>, agentId: string): typeof REPLY_LATER {
    this.checkCapacity();
    this.forwarding += 1;
    void this.answerFromRails(rails, req, agentId)
      .catch((err: unknown) => this.logger.error('tool call forward crashed', { code: 'CABLE_CHANNEL_ERROR', err }))
      .finally(() => (this.forwarding -= 1));
    return REPLY_LATER;
  }

  private async answerFromRails(rails: RailsApi, { request_id, tool_call }: z.infer<typeof DispatchTool>, agentId: string): Promise<void> {
    const out = await forwardDispatchTool(rails, this.worker.workerId, { agent_id: agentId, tool_call });
    if (out.ok) return this.replySuccess(request_id, out.data);
    this.logger.warn('tool call forward failed', { code: 'CABLE_CHANNEL_ERROR', tool: tool_call.name, reason: out.error });
    this.replyError(request_id, out.error);
  }

  private checkCapacity(): void {
    if (this.waiting.size + this.forwarding >= MAX_TOOL_CALLS_IN_FLIGHT) throw new RpcError('Too many tool calls in flight');
  }

  private wait(jobId: string, requestId: z.infer<typeof RequestId>, tool: string): void {
    const cancel = this.after(WorkerToolDispatchChannel.toolResultTimeoutMs, () => {
      if (this.waiting.delete(jobId)) this.replyError(requestId, 'Tool execution timed out');
    });
    this.waiting.set(jobId, { requestId, tool, cancel });
  }

  private toolFinished(message: unknown): void {
    const m = jsonObject(message);
    if (m.type === 'tool_result' && typeof m.job_id === 'string') this.settle(m.job_id, m.success === true, m.result, typeof m.error === 'string' ? m.error : null);
  }

  /** Answer the request waiting on `jobId` (once): `{result: <tool output>}` (see toolOutput), or the original's failure-as-result. */
  private settle(jobId: string, success: boolean, result: unknown, error: string | null): void {
    const w = this.waiting.get(jobId);
    if (!w) return;
    this.waiting.delete(jobId);
    w.cancel();
    this.replySuccess(w.requestId, { result: success ? result : toolError('Tool execution failed', w.tool, error ?? 'failed') });
  }

  private async findAgent(agentId: string): Promise<ToolAgent> {
    const id = this.uuidOr(agentId, 'Agent not found');
    const agent = await this.db.aiAgent.findFirst({ where: { id, ...this.accountScope() }, select: { id: true, accountId: true, agentType: true, configuration: true } });
    if (!agent) throw new RpcError('Agent not found');
    return agent;
  }
}
