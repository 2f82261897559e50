// AnalyticsChannel: revenue analytics of the own account (`analytics.view`); other accounts and the global stream
// only for platform administrators (platform-access.ts). `request_analytics` computes the metrics from the database.

import { z } from 'zod';
import { eventMessage, logFailure } from '../../src/channel/index';
import { ApplicationChannel, isUuid } from '../application-channel';
import {
  ANALYTICS_EVENTS, ANALYTICS_GLOBAL_STREAM, AnalyticsConnectionEstablished, AnalyticsError, AnalyticsUpdate, analyticsAccountStream, computeRevenueMetrics,
} from './analytics-events';
import { isPlatformAdmin } from './platform-access';

const Params = z.looseObject({ account_id: z.string().max(100).nullish() });
const RequestAnalytics = z.looseObject({ account_id: z.string().max(100).nullish() });

const blank = (v: string | null | undefined): v is null | undefined | '' => v === undefined || v === null || v.trim() === '';

/** Live revenue analytics. */
export class AnalyticsChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'AnalyticsChannel';
  static override params = Params;
  static override actions = { request_analytics: RequestAnalytics };
  static events = ANALYTICS_EVENTS;

  override async subscribed(): Promise<void> {
    const accountId = this.params.account_id;
    if (!(await this.authorizedFor(accountId))) return this.reject();
    this.streamFrom(blank(accountId) ? ANALYTICS_GLOBAL_STREAM : analyticsAccountStream(accountId.toLowerCase()));
    this.transmit(eventMessage(AnalyticsConnectionEstablished, { timestamp: this.now() }));
  }

  override rescue(error: unknown, action: string): void {
    logFailure(this.logger, 'AnalyticsChannel action failed', error, { channel: 'AnalyticsChannel', action });
    this.transmit(eventMessage(AnalyticsError, { message: 'Failed to fetch analytics data' }));
  }

  /** `request_analytics {account_id?}`; without one, the subscription's own scope (the UI sends none). */
  async request_analytics(data: z.infer<typeof RequestAnalytics>): Promise<void> {
    const target = blank(data.account_id) ? this.params.account_id : data.account_id;
    if (!(await this.authorizedFor(target))) {
      this.transmit(eventMessage(AnalyticsError, { message: 'Unauthorized analytics request' }));
      return;
    }
    const accountId = blank(target) ? null : target.toLowerCase();
    const currentMetrics = await computeRevenueMetrics(this.db, accountId);
    this.transmit(eventMessage(AnalyticsUpdate, { data: { current_metrics: currentMetrics, timestamp: this.now(), account_id: accountId } }));
  }

  /** Global: platform admin. Account: it exists, `analytics.view`, and own account or platform admin. */
  private async authorizedFor(accountId: string | null | undefined): Promise<boolean> {
    if (blank(accountId)) return isPlatformAdmin(this.identity);
    if (!isUuid(accountId) || !this.can('analytics.view')) return false;
    if (!this.ownsAccount(accountId) && !isPlatformAdmin(this.identity)) return false;
    return (await this.db.account.findUnique({ where: { id: accountId.toLowerCase() }, select: { id: true } })) !== null;
  }
}
