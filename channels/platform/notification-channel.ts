// NotificationChannel: real-time notifications and settings sync for the caller's own account. Streams the
// original's `account_<id>` plus the `notification:<gid>` names Rails producers publish to, so they arrive.

import { z } from 'zod';
import { eventMessage, gidOf } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { actionErrorMessage } from './platform-errors';
import {
  AccountStream, NOTIFICATION_EVENTS, NotificationConnectionEstablished, NotificationError, NotificationPong, SettingsUpdated, accountStream,
  publishAllNotificationsDismissed, publishAllNotificationsRead, publishNotificationDismissed, publishNotificationRead,
} from './notification-events';

const Params = z.looseObject({ account_id: z.string().max(100) });
const ById = z.looseObject({ notification_id: z.string().max(100) });
const NoData = z.looseObject({});
type ByIdData = z.infer<typeof ById>;

/** Notifications of the own account (and of the user), with read/dismiss actions persisted through Prisma. */
export class NotificationChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'NotificationChannel';
  static override params = Params;
  static override actions = {
    ping: NoData, mark_as_read: ById, dismiss: ById, mark_all_as_read: NoData, dismiss_all: NoData, sync_settings: NoData,
  };
  static events = NOTIFICATION_EVENTS;
  static streams = [AccountStream];

  override subscribed(): void {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(accountStream(this.accountId));
    this.streamFor(gidOf('Account', this.accountId));
    this.streamFor(gidOf('User', this.user.userId));
    this.transmit(eventMessage(NotificationConnectionEstablished, { timestamp: this.now() }));
  }

  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    this.transmit(eventMessage(NotificationError, { message: actionErrorMessage(error, 'Notification not found'), action }));
  }

  /** `ping` → `pong {server_timestamp}`. */
  ping(): void {
    this.transmit(eventMessage(NotificationPong, { server_timestamp: this.now() }));
  }

  /** Set `read_at` on one of the caller's notifications and announce it. */
  async mark_as_read({ notification_id }: ByIdData): Promise<void> {
    const row = await this.mine(notification_id);
    if (row.readAt === null) await this.db.notification.update({ where: { id: row.id }, data: { readAt: new Date() } });
    await publishNotificationRead(this.services.broadcaster, row, { notification_id: row.id });
  }

  /** Set `dismissed_at` on one of the caller's notifications and announce it. */
  async dismiss({ notification_id }: ByIdData): Promise<void> {
    const row = await this.mine(notification_id);
    if (row.dismissedAt === null) await this.db.notification.update({ where: { id: row.id }, data: { dismissedAt: new Date() } });
    await publishNotificationDismissed(this.services.broadcaster, row, { notification_id: row.id });
  }

  /** Mark every unread, undismissed notification of the caller read; announces `all_notifications_read {count}`. */
  async mark_all_as_read(): Promise<void> {
    const { count } = await this.db.notification.updateMany({ where: { ...this.visible(), readAt: null, dismissedAt: null }, data: { readAt: new Date() } });
    await publishAllNotificationsRead(this.services.broadcaster, this.target(), { count });
  }

  /** Dismiss every undismissed notification of the caller; announces `all_notifications_dismissed {count}`. */
  async dismiss_all(): Promise<void> {
    const { count } = await this.db.notification.updateMany({ where: { ...this.visible(), dismissedAt: null }, data: { dismissedAt: new Date() } });
    await publishAllNotificationsDismissed(this.services.broadcaster, this.target(), { count });
  }

  /** The settings hook's `sync_settings`: transmits `settings_updated` with the caller's current profile and account. */
  async sync_settings(): Promise<void> {
    const user = this.found(
      await this.db.user.findFirst({ where: { id: this.user.userId, accountId: this.accountId }, include: { account: true } }),
      'user',
    );
    const data = {
      profile: { id: user.id, name: user.name, email: user.email, email_verified: user.emailVerified, status: user.status },
      account: { id: user.account.id, name: user.account.name, subdomain: user.account.subdomain, status: user.account.status },
    };
    this.transmit(eventMessage(SettingsUpdated, { data, user_id: user.id, timestamp: this.now() }));
  }

  /** Rows the caller may act on: the own account's rows addressed to the caller or to nobody in particular. */
  private visible() {
    return { accountId: this.accountId, OR: [{ userId: this.user.userId }, { userId: null }] };
  }

  private target() {
    return { accountId: this.accountId, userId: this.user.userId };
  }

  private async mine(id: string) {
    return this.found(await this.db.notification.findFirst({ where: { id: this.uuid(id), ...this.visible() } }), 'notification');
  }
}
