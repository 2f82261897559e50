// DevopsPipelineChannel (docs/channels.md): pipeline run, step and approval updates for the caller's account
// (`devops_account_<id>`) or one of its pipelines (`devops_pipeline_<id>`). Events (schema-only): devops-pipeline-events.ts.

import { z } from 'zod';
import { DEVOPS_PIPELINE_EVENTS, DevopsAccountStream, devopsAccountStream, DevopsPipelineStream, devopsPipelineStream } from './devops-pipeline-events';
import { PipelineUpdatesChannel, type PipelineChannelNaming } from './pipeline-updates-channel';

const Params = z.looseObject({ account_id: z.string().max(100), pipeline_id: z.string().max(100).nullish() });
type DevopsPipelineParams = z.infer<typeof Params>;

/** Stream names and subscribe message of DevopsPipelineChannel. */
export const DEVOPS_PIPELINE_NAMING: PipelineChannelNaming = {
  pipelineStreams: (id) => [devopsPipelineStream(id)],
  accountStreams: (id) => [devopsAccountStream(id)],
  message: 'Connected to DevOps pipeline updates',
};

/** DevOps pipeline updates. */
export class DevopsPipelineChannel extends PipelineUpdatesChannel<DevopsPipelineParams> {
  static override channel = 'DevopsPipelineChannel';
  static override params = Params;
  static events = DEVOPS_PIPELINE_EVENTS;
  static streams = [DevopsPipelineStream, DevopsAccountStream];
  protected override readonly naming = DEVOPS_PIPELINE_NAMING;

  protected override requestedPipelineId(): string | null | undefined {
    return this.params.pipeline_id;
  }
}
