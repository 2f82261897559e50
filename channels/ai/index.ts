// The ai channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';
import { AiAgentExecutionChannel } from './ai-agent-execution-channel';
import { AiConversationChannel } from './ai-conversation-channel';
import { AiConversationsListChannel } from './ai-conversations-list-channel';
import { AiOrchestrationChannel } from './ai-orchestration-channel';
import { AiStreamingChannel } from './ai-streaming-channel';
import { AiWorkflowMonitoringChannel } from './ai-workflow-monitoring-channel';
import { AiWorkflowOrchestrationChannel } from './ai-workflow-orchestration-channel';

/** Every ai channel class. */
export const aiChannels: ChannelClass[] = [
  AiAgentExecutionChannel,
  AiConversationChannel,
  AiOrchestrationChannel,
  AiStreamingChannel,
  AiWorkflowMonitoringChannel,
  AiWorkflowOrchestrationChannel,
  AiConversationsListChannel,
];
