// The implementation DevopsPipelineChannel and its historical alias CiCdPipelineChannel share (docs/channels.md):
// account check, optional pipeline of that account, pipeline or account streams and the `subscribed` frame.

import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { PipelineSubscribed } from './devops-pipeline-events';

/** What distinguishes the two pipeline channels: stream names, the subscribe message and the pipeline param. */
export interface PipelineChannelNaming {
  /** Streams of one pipeline (the channel's own name first). */
  pipelineStreams(pipelineId: string): string[];
  /** Streams of every pipeline of an account. */
  accountStreams(accountId: string): string[];
  /** The `message` of the `subscribed` frame. */
  message: string;
}

/** Pipeline run/step/approval updates for the caller's account or one of its pipelines. */
export abstract class PipelineUpdatesChannel<P extends { account_id: string }> extends ApplicationChannel<P> {
  /** Stream names and subscribe message of the concrete channel. */
  protected abstract readonly naming: PipelineChannelNaming;
  /** The optional pipeline id param as the client sent it. */
  protected abstract requestedPipelineId(): string | null | undefined;

  override async subscribed(): Promise<void> {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    const requested = this.requestedPipelineId();
    // Rails `present?`: a blank pipeline id means "all pipelines of the account".
    const pipelineId = requested && requested.trim() !== '' ? await this.pipelineOfAccount(requested) : null;
    const streams = pipelineId ? this.naming.pipelineStreams(pipelineId) : this.naming.accountStreams(this.accountId);
    streams.forEach((s) => this.streamFrom(s));
    this.transmit(eventMessage(PipelineSubscribed, { message: this.naming.message, pipeline_id: pipelineId ?? requested ?? null, timestamp: this.now() }));
  }

  /**
   * The id of a pipeline of the caller's account: a DevOps pipeline, or a git pipeline (approval gates publish to
   * `devops_pipeline_<git pipeline id>`). Throws NotFoundError (→ reject) otherwise.
   */
  private async pipelineOfAccount(id: string): Promise<string> {
    const where = this.owned(id);
    const select = { id: true } as const;
    const row = (await this.db.devopsPipeline.findFirst({ where, select })) ?? (await this.db.gitPipeline.findFirst({ where, select }));
    return this.found(row, 'pipeline').id;
  }
}
