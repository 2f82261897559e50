// CiCdPipelineChannel (docs/channels.md): the historical name of DevopsPipelineChannel, kept for older clients. Its own streams
// `ci_cd_pipeline_<id>` / `ci_cd_account_<id>` plus the `devops_*` names today's producers publish to.

import { z } from 'zod';
import { devopsAccountStream, devopsPipelineStream } from './devops-pipeline-events';
import { PipelineUpdatesChannel, type PipelineChannelNaming } from './pipeline-updates-channel';

const Params = z.looseObject({ account_id: z.string().max(100), ci_cd_pipeline_id: z.string().max(100).nullish() });
type CiCdPipelineParams = z.infer<typeof Params>;

/** `ci_cd_pipeline_<id>`: the historical per-pipeline stream. */
export function ciCdPipelineStream(pipelineId: string): string {
  return `ci_cd_pipeline_${pipelineId}`;
}

/** `ci_cd_account_<id>`: the historical per-account stream. */
export function ciCdAccountStream(accountId: string): string {
  return `ci_cd_account_${accountId}`;
}

/** Stream names and subscribe message of CiCdPipelineChannel. */
export const CI_CD_PIPELINE_NAMING: PipelineChannelNaming = {
  pipelineStreams: (id) => [ciCdPipelineStream(id), devopsPipelineStream(id)],
  accountStreams: (id) => [ciCdAccountStream(id), devopsAccountStream(id)],
  message: 'Connected to CI/CD pipeline updates',
};

/** CI/CD pipeline updates (alias of DevopsPipelineChannel). */
export class CiCdPipelineChannel extends PipelineUpdatesChannel<CiCdPipelineParams> {
  static override channel = 'CiCdPipelineChannel';
  static override params = Params;
  protected override readonly naming = CI_CD_PIPELINE_NAMING;

  protected override requestedPipelineId(): string | null | undefined {
    return this.params.ci_cd_pipeline_id;
  }
}
