// AiWorkflowMonitoringChannel (docs/channels.md): workflow monitoring for users holding ai.monitor or ai.workflows.read;
// one workflow of the caller's account, or the whole account (monitoring + account orchestration streams).

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { orchestrationEventsOn } from './ai-orchestration-channel';
import {
  LegacyMetricsStream, OrchestrationAccountStream, OrchestrationMonitoringStream, OrchestrationWorkflowStream, orchestrationStream, legacyMetricsStream,
} from './ai-orchestration-envelope';
import {
  ActiveExecutions, DashboardStats, MonitoringError, MonitoringSubscriptionConfirmed, WORKFLOW_MONITORING_EVENTS, activeExecutions, dashboardStats,
} from './ai-workflow-monitoring-events';

// The UI also sends `account_id`; it selects nothing, but when present it must be the caller's own account.
const Params = z.looseObject({ workflow_id: z.string().max(100).nullish(), account_id: z.string().max(100).optional() });
type MonitoringParams = z.infer<typeof Params>;

/** Permissions that open the channel (system.admin implies both). */
export const MONITORING_PERMISSIONS = ['ai.monitor', 'ai.workflows.read'];

/** Dashboard stats, active executions and alerts of the caller's account or one workflow. */
export class AiWorkflowMonitoringChannel extends ApplicationChannel<MonitoringParams> {
  static override channel = 'AiWorkflowMonitoringChannel';
  static override params = Params;
  static override actions = { get_dashboard_stats: z.looseObject({}), get_active_executions: z.looseObject({}) };
  static streams = [OrchestrationWorkflowStream, OrchestrationMonitoringStream, OrchestrationAccountStream, LegacyMetricsStream];
  // Its own events, and AiOrchestrationChannel's broadcasts on the streams it follows.
  static events = [...WORKFLOW_MONITORING_EVENTS, ...orchestrationEventsOn(AiWorkflowMonitoringChannel.streams)];

  override async subscribed(): Promise<void> {
    const { workflow_id: workflowId, account_id: accountId } = this.params;
    if (!this.canAny(MONITORING_PERMISSIONS)) return this.reject();
    if (accountId !== undefined && !this.ownsAccount(accountId)) return this.reject();
    // Rails `present?`: a blank or null workflow_id means the whole account (as DevopsPipelineChannel's pipeline_id).
    if (workflowId && workflowId.trim() !== '') {
      const workflow = await this.db.aiWorkflow.findFirst({ where: this.owned(workflowId), select: { id: true } });
      this.streamFrom(orchestrationStream('workflow', this.found(workflow, 'workflow').id));
    } else {
      this.streamFrom(orchestrationStream('monitoring', this.accountId));
      this.streamFrom(orchestrationStream('account', this.accountId));
      // The monitoring controller's `system_metrics_update` goes to `ai_orchestration_<account>`.
      this.streamFrom(legacyMetricsStream(this.accountId));
    }
    this.transmit(eventMessage(MonitoringSubscriptionConfirmed, { workflow_id: workflowId ?? null, timestamp: this.now() }));
  }

  async get_dashboard_stats(): Promise<void> {
    this.transmit(eventMessage(DashboardStats, { stats: await dashboardStats(this.db, this.accountId), timestamp: this.now() }));
  }

  async get_active_executions(): Promise<void> {
    this.transmit(eventMessage(ActiveExecutions, { executions: await activeExecutions(this.db, this.accountId), timestamp: this.now() }));
  }

  override rescue(error: unknown, action: string): void {
    super.rescue(error, action);
    this.transmit(eventMessage(MonitoringError, { error: 'Request failed', timestamp: this.now() }));
  }
}
