// NotificationChannel streams and publishers. Subscribers stream `account_<id>` and the Rails names
// `notification:<Account gid>` / `notification:<User gid>` (streamFor); publishers send each event to exactly one of
// them with `NotificationChannel.broadcastTo` (the class is read when a publisher runs, so the import cycle is safe).

import { gidOf, stream, type GlobalIdentifiable } from '../../src/channel/index';
import type { Notification } from '../../src/db/prisma';
import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';
import { NotificationChannel } from './notification-channel';

/** Powernode `stream_for_account`: `account_{account_id}` (shared with SubscriptionChannel and SystemChannel). */
export const AccountStream = stream('account_{account_id}', { description: "The account's shared stream (Powernode `stream_for_account`)." });

/** Powernode `stream_for_account`: `account_<id>` (shared with SubscriptionChannel and SystemChannel). */
export function accountStream(accountId: string): string {
  return `account_${accountId}`;
}

/** Who an event is for: one user when `userId` is set, otherwise every subscriber of the account. */
export interface NotificationTarget {
  accountId: string;
  userId?: string | null;
}

/** The model an event goes to (Rails `NotificationChannel.broadcast_to(user || account)`). */
function modelOf(t: NotificationTarget): GlobalIdentifiable {
  return t.userId ? gidOf('User', t.userId) : gidOf('Account', t.accountId);
}

function publish(b: Broadcaster, model: GlobalIdentifiable, message: unknown): Promise<void> {
  return NotificationChannel.broadcastTo(b, model, message);
}

/** The `notification` object of `new_notification` (Rails `as_json(only: …, methods: [:read?])`). */
export function notificationJson(n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    notification_type: n.notificationType,
    title: n.title,
    message: n.message,
    severity: n.severity,
    action_url: n.actionUrl,
    action_label: n.actionLabel,
    icon: n.icon,
    category: n.category,
    metadata: n.metadata ?? {},
    created_at: n.createdAt.toISOString(),
    'read?': n.readAt !== null,
  };
}

/** `new_notification {notification}` to the notification's user (or its account when it has none). */
export function publishNewNotification(b: Broadcaster, n: Notification): Promise<void> {
  return publish(b, modelOf(n), { type: 'new_notification', notification: notificationJson(n) });
}

/** `notification_read {notification_id}`. */
export function publishNotificationRead(b: Broadcaster, n: NotificationTarget & { id: string }): Promise<void> {
  return publish(b, modelOf(n), { type: 'notification_read', notification_id: n.id });
}

/** `notification_dismissed {notification_id}`. */
export function publishNotificationDismissed(b: Broadcaster, n: NotificationTarget & { id: string }): Promise<void> {
  return publish(b, modelOf(n), { type: 'notification_dismissed', notification_id: n.id });
}

/** `all_notifications_read {count}` (newer fork). */
export function publishAllNotificationsRead(b: Broadcaster, t: NotificationTarget, count: number): Promise<void> {
  return publish(b, modelOf(t), { type: 'all_notifications_read', count });
}

/** `all_notifications_dismissed {count}` (newer fork). */
export function publishAllNotificationsDismissed(b: Broadcaster, t: NotificationTarget, count: number): Promise<void> {
  return publish(b, modelOf(t), { type: 'all_notifications_dismissed', count });
}

/** The settings events of Powernode's SettingsController (read by useSettingsWebSocket). */
export type SettingsEvent = 'settings_updated' | 'profile_updated' | 'preferences_updated' | 'notifications_updated';

/** `{type, data, user_id, timestamp}` to the user's own stream (Rails sent it to the whole account). */
export function publishSettingsEvent(b: Broadcaster, t: { accountId: string; userId: string }, type: SettingsEvent, data: unknown): Promise<void> {
  return publish(b, gidOf('User', t.userId), { type, data, user_id: t.userId, timestamp: isoNow() });
}

/** `settings_updated`. */
export function publishSettingsUpdated(b: Broadcaster, t: { accountId: string; userId: string }, data: unknown): Promise<void> {
  return publishSettingsEvent(b, t, 'settings_updated', data);
}

/** `profile_updated`. */
export function publishProfileUpdated(b: Broadcaster, t: { accountId: string; userId: string }, data: unknown): Promise<void> {
  return publishSettingsEvent(b, t, 'profile_updated', data);
}

/** `preferences_updated`. */
export function publishPreferencesUpdated(b: Broadcaster, t: { accountId: string; userId: string }, data: unknown): Promise<void> {
  return publishSettingsEvent(b, t, 'preferences_updated', data);
}

/** `notifications_updated` (notification preferences changed). */
export function publishNotificationsUpdated(b: Broadcaster, t: { accountId: string; userId: string }, data: unknown): Promise<void> {
  return publishSettingsEvent(b, t, 'notifications_updated', data);
}
