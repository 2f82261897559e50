// AiWorkflowOrchestrationChannel (docs/channels.md): the caller's account orchestration stream, plus create_workflow,
// update_workflow (allowlisted attributes, same account) and execute_workflow (run + job outbox), each needing the
// permission Powernode's WorkflowsController requires for the same operation.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel, permissionDenied } from '../application-channel';
import { orchestrationEventsOn } from './ai-orchestration-channel';
import { OrchestrationAccountStream, orchestrationStream } from './ai-orchestration-envelope';
import { publishWorkflowExecutionStarted } from './ai-orchestration-workflow-events';
import {
  WORKFLOW_ORCHESTRATION_EVENTS, WorkflowCreated, WorkflowExecutionStartedReply, WorkflowOrchestrationError, WorkflowOrchestrationSubscriptionConfirmed, WorkflowUpdated,
  person, publishWorkflowCollaborativeUpdate, serializeStartedRun, serializeWorkflow,
} from './ai-workflow-orchestration-events';
import { createWorkflow, executeWorkflow, ownWorkflow, updateWorkflow, WorkflowError } from './workflow-writes';

// No params; an `account_id`, if a client sends one, must be the caller's own account.
const Params = z.looseObject({ account_id: z.string().max(100).optional() });
const Create = z.looseObject({ workflow: z.unknown().optional(), nodes: z.unknown().optional(), edges: z.unknown().optional() });
const Update = z.looseObject({ workflow_id: z.unknown().optional(), updates: z.unknown().optional() });
const Execute = z.looseObject({ workflow_id: z.unknown().optional(), input_variables: z.unknown().optional() });

/** Workflow editing and execution over the socket, with collaborative broadcasts to the account. */
export class AiWorkflowOrchestrationChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'AiWorkflowOrchestrationChannel';
  static override params = Params;
  static override actions = { create_workflow: Create, update_workflow: Update, execute_workflow: Execute };
  // Api::V1::Ai::WorkflowsController#validate_permissions: create / update / execute.
  static override writePermissions = { create_workflow: 'ai.workflows.create', update_workflow: 'ai.workflows.update', execute_workflow: 'ai.workflows.execute' };
  static streams = [OrchestrationAccountStream];
  // Its own events, and AiOrchestrationChannel's broadcasts on the account stream (`workflow.execution.started`, …).
  static events = [...WORKFLOW_ORCHESTRATION_EVENTS, ...orchestrationEventsOn(AiWorkflowOrchestrationChannel.streams)];

  override subscribed(): void {
    if (this.params.account_id !== undefined && !this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(orchestrationStream('account', this.accountId));
    this.transmit(eventMessage(WorkflowOrchestrationSubscriptionConfirmed, { timestamp: this.now() }));
  }

  async create_workflow(data: z.infer<typeof Create>): Promise<void> {
    const workflow = await createWorkflow(this.db, this.accountId, this.user.userId, data);
    this.transmit(eventMessage(WorkflowCreated, { workflow: serializeWorkflow(workflow) }));
  }

  async update_workflow(data: z.infer<typeof Update>): Promise<void> {
    const workflow = await updateWorkflow(this.db, await ownWorkflow(this.db, this.accountId, data.workflow_id), data.updates);
    this.transmit(eventMessage(WorkflowUpdated, { workflow: serializeWorkflow(workflow) }));
    const { userId, name, email } = this.user;
    await publishWorkflowCollaborativeUpdate(this.services.broadcaster, { account_id: this.accountId }, { workflow_id: workflow.id, updated_by: person({ id: userId, name, email }), action: 'updated' });
  }

  async execute_workflow(data: z.infer<typeof Execute>): Promise<void> {
    const workflow = await ownWorkflow(this.db, this.accountId, data.workflow_id);
    const { run, created, queueError } = await executeWorkflow(this.db, this.services.jobs, workflow, this.user.userId, data.input_variables);
    if (queueError) this.logger.error('workflow execution could not be queued', { code: 'CABLE_CHANNEL_ERROR', err: queueError });
    this.transmit(eventMessage(WorkflowExecutionStartedReply, { workflow_run: serializeStartedRun(run) }));
    if (created) await publishWorkflowExecutionStarted(this.services.broadcaster, run);
  }

  override rescue(error: unknown, action: string): void {
    if (error instanceof WorkflowError) return this.transmitError(error.message);
    super.rescue(error, action);
    this.transmitError('Request failed');
  }

  /** `{type:"error", error:"Permission denied: <permission>", timestamp}`. */
  protected override refuse(_action: string, permissions: readonly string[]): void {
    this.transmitError(permissionDenied(permissions));
  }

  private transmitError(message: string): void {
    this.transmit(eventMessage(WorkflowOrchestrationError, { error: message, timestamp: this.now() }));
  }
}
