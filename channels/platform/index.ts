// The platform channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';
import { AnalyticsChannel } from './analytics-channel';
import { CustomerChannel } from './customer-channel';
import { McpChannel } from './mcp-channel';
import { NotificationChannel } from './notification-channel';
import { OperatorChannel } from './operator-channel';
import { PlatformStatusChannel } from './platform-status-channel';
import { SubscriptionChannel } from './subscription-channel';
import { SystemChannel } from './system-channel';
import { TeamChannelChannel } from './team-channel-channel';
import { TeamExecutionChannel } from './team-execution-channel';

/** Every platform channel class. */
export const platformChannels: ChannelClass[] = [
  AnalyticsChannel,
  CustomerChannel,
  McpChannel,
  NotificationChannel,
  SubscriptionChannel,
  TeamChannelChannel,
  TeamExecutionChannel,
  PlatformStatusChannel,
  SystemChannel,
  OperatorChannel,
];
