// CiCdPipelineChannel (docs/channels.md): the historical name of DevopsPipelineChannel, kept for older clients. Its own streams
// `ci_cd_pipeline_<id>` / `ci_cd_account_<id>` plus the `devops_*` names today's producers publish to.

import { z } from 'zod';
import { stream } from '../../src/channel/index';
import { DEVOPS_PIPELINE_EVENTS, DevopsAccountStream, devopsAccountStream, DevopsPipelineStream, devopsPipelineStream } from './devops-pipeline-events';
import { PipelineUpdatesChannel, type PipelineChannelNaming } from './pipeline-updates-channel';

const Params = z.looseObject({ account_id: z.string().max(100), ci_cd_pipeline_id: z.string().max(100).nullish() });
type CiCdPipelineParams = z.infer<typeof Params>;

/** `ci_cd_pipeline_{pipeline_id}`: the historical per-pipeline stream (whatever an older producer publishes there). */
export const CiCdPipelineStream = stream('ci_cd_pipeline_{pipeline_id}', { description: 'The historical per-pipeline stream; nothing current publishes to it.' });
/** `ci_cd_account_{account_id}`: the historical per-account stream. */
export const CiCdAccountStream = stream('ci_cd_account_{account_id}', { description: 'The historical per-account stream; nothing current publishes to it.' });

/** `ci_cd_pipeline_<id>`: the historical per-pipeline stream. */
export function ciCdPipelineStream(pipelineId: string): string {
  return CiCdPipelineStream.name({ pipeline_id: pipelineId });
}

/** `ci_cd_account_<id>`: the historical per-account stream. */
export function ciCdAccountStream(accountId: string): string {
  return CiCdAccountStream.name({ account_id: accountId });
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
  /** DevopsPipelineChannel's events, which reach the alias through the `devops_*` streams. */
  static events = DEVOPS_PIPELINE_EVENTS;
  static streams = [CiCdPipelineStream, DevopsPipelineStream, CiCdAccountStream, DevopsAccountStream];
  protected override readonly naming = CI_CD_PIPELINE_NAMING;

  protected override requestedPipelineId(): string | null | undefined {
    return this.params.ci_cd_pipeline_id;
  }
}
