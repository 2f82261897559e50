// The devops channels, in catalog order (CiCdPipelineChannel is the historical alias of DevopsPipelineChannel).

import type { ChannelClass } from '../../src/channel/index';
import { CiCdPipelineChannel } from './ci-cd-pipeline-channel';
import { CodeFactoryChannel } from './code-factory-channel';
import { DevopsPipelineChannel } from './devops-pipeline-channel';
import { GitJobLogsChannel } from './git-job-logs-channel';
import { MissionChannel } from './mission-channel';

/** Every devops channel class. */
export const devopsChannels: ChannelClass[] = [CiCdPipelineChannel, CodeFactoryChannel, DevopsPipelineChannel, GitJobLogsChannel, MissionChannel];
