// NotificationChannel streams and events. Subscribers stream `account_<id>` and the Rails names
// `notification:<Account gid>` / `notification:<User gid>` (streamFor); each event goes to exactly one of the
// `notification:` names (the user's when it has one, else the account's). The read/dismiss events are published
// by the channel's actions; new notifications and the settings events come from Rails, so they are schema-only
// (`broadcaster(NewNotification, NotificationUserStream)`).

import { z } from 'zod';
import { broadcaster, broadcastingFor, defineEvent, gidOf, stream, type EventSpec, type EventTarget } from '../../src/channel/index';
import type { Notification } from '../../src/db/prisma';

/** Powernode `stream_for_account`: `account_{account_id}` (shared with SubscriptionChannel and SystemChannel). */
export const AccountStream = stream('account_{account_id}', { description: "The account's shared stream (Powernode `stream_for_account`)." });

/** Powernode `stream_for_account`: `account_<id>` (shared with SubscriptionChannel and SystemChannel). */
export function accountStream(accountId: string): string {
  return AccountStream.name({ account_id: accountId });
}

const needGidApp = (t: { gidApp: string } | undefined): string => {
  if (!t) throw new Error('a notification: stream name needs the GlobalID app');
  return t.gidApp;
};
/** `notification:<User gid>` (Rails `NotificationChannel.broadcast_to(user)`). */
export const NotificationUserStream = stream('notification:{user_id}', {
  description: "One user's notifications: the name is `notification:` and the GlobalID param of the User (`NotificationChannel.broadcasting_for(user)`).",
  build: (a, t) => broadcastingFor(needGidApp(t), 'notification', gidOf('User', a.user_id)),
});
/** `notification:<Account gid>` (Rails `NotificationChannel.broadcast_to(account)`). */
export const NotificationAccountStream = stream('notification:{account_id}', {
  description: 'Notifications for every member of one account: `notification:` and the GlobalID param of the Account.',
  build: (a, t) => broadcastingFor(needGidApp(t), 'notification', gidOf('Account', a.account_id)),
});

/** Who an event is for: one user when `userId` is set, otherwise every subscriber of the account. */
export interface NotificationTarget {
  accountId: string;
  userId?: string | null;
}

const Notification = z.looseObject({
  id: z.string(), notification_type: z.string(), title: z.string(), message: z.string().nullable(), severity: z.string().nullable(),
  action_url: z.string().nullable(), action_label: z.string().nullable(), icon: z.string().nullable(), category: z.string().nullable(),
  metadata: z.unknown(), created_at: z.string(), 'read?': z.boolean(),
});

/** The `notification` object of `new_notification` (Rails `as_json(only: …, methods: [:read?])`). */
export function notificationJson(n: Notification): z.input<typeof Notification> {
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

const ToOne = [NotificationUserStream, NotificationAccountStream];

/** `new_notification {notification}` to the notification's user (or its account when it has none). */
export const NewNotification = defineEvent({
  name: 'new_notification', delivery: ['broadcast'], streams: ToOne, summary: "To the notification's user, or its account when it has none.",
  fields: { notification: Notification },
});
/** `notification_read {notification_id}`. */
export const NotificationRead = defineEvent({ name: 'notification_read', delivery: ['broadcast'], streams: ToOne, fields: { notification_id: z.string() } });
/** `notification_dismissed {notification_id}`. */
export const NotificationDismissed = defineEvent({ name: 'notification_dismissed', delivery: ['broadcast'], streams: ToOne, fields: { notification_id: z.string() } });
/** `all_notifications_read {count}` (newer fork). */
export const AllNotificationsRead = defineEvent({ name: 'all_notifications_read', delivery: ['broadcast'], streams: ToOne, fields: { count: z.number() } });
/** `all_notifications_dismissed {count}` (newer fork). */
export const AllNotificationsDismissed = defineEvent({ name: 'all_notifications_dismissed', delivery: ['broadcast'], streams: ToOne, fields: { count: z.number() } });

/** The settings events of Powernode's SettingsController (read by useSettingsWebSocket): `{type, data, user_id, timestamp}` to the user's own stream. */
const settingsEvent = <N extends string>(name: N, summary: string) =>
  defineEvent({ name, delivery: ['broadcast'], streams: [NotificationUserStream], stamp: true, summary, fields: { data: z.unknown(), user_id: z.string() } });
/** `settings_updated {data, user_id, timestamp}`: broadcast, and `sync_settings`'s reply (`data:{profile, account}`). */
export const SettingsUpdated = defineEvent({
  name: 'settings_updated', delivery: ['broadcast', 'reply'], replyTo: ['sync_settings'], streams: [NotificationUserStream], stamp: true,
  summary: "Settings changed (Rails sent it to the whole account); `sync_settings` replies with `data:{profile, account}`.",
  fields: { data: z.unknown(), user_id: z.string() },
});
/** `profile_updated`. */
export const ProfileUpdated = settingsEvent('profile_updated', "The user's profile changed.");
/** `preferences_updated`. */
export const PreferencesUpdated = settingsEvent('preferences_updated', "The user's preferences changed.");
/** `notifications_updated` (notification preferences changed). */
export const NotificationsUpdated = settingsEvent('notifications_updated', "The user's notification preferences changed.");

/** The publisher of `spec` to `t`'s user when it names one, else to its account (Rails `broadcast_to(user || account)`). */
function toTarget<I>(spec: EventSpec<I>): (b: EventTarget, t: NotificationTarget, payload: I) => Promise<void> {
  const toUser = broadcaster(spec, NotificationUserStream);
  const toAccount = broadcaster(spec, NotificationAccountStream);
  return (b, t, payload) => (t.userId ? toUser(b, { user_id: t.userId }, payload) : toAccount(b, { account_id: t.accountId }, payload));
}

/** `mark_as_read`. */
export const publishNotificationRead = toTarget(NotificationRead);
/** `dismiss`. */
export const publishNotificationDismissed = toTarget(NotificationDismissed);
/** `mark_all_as_read`. */
export const publishAllNotificationsRead = toTarget(AllNotificationsRead);
/** `dismiss_all`. */
export const publishAllNotificationsDismissed = toTarget(AllNotificationsDismissed);

// Transmitted and replies.
/** On subscribe. */
export const NotificationConnectionEstablished = defineEvent({
  name: 'connection_established', delivery: ['transmit'], stamp: true, fields: { message: z.literal('Connected to real-time notifications') },
});
/** `ping` → `pong {server_timestamp}`. */
export const NotificationPong = defineEvent({ name: 'pong', delivery: ['reply'], replyTo: ['ping'], fields: { server_timestamp: z.string() } });
/** A failed action (unknown, foreign or malformed ids: "Notification not found"). */
export const NotificationError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['mark_as_read', 'dismiss', 'mark_all_as_read', 'dismiss_all', 'sync_settings', 'ping'],
  fields: { message: z.string(), action: z.string() },
});

/** Every NotificationChannel event (its `static events`). */
export const NOTIFICATION_EVENTS = [
  NewNotification, NotificationRead, NotificationDismissed, AllNotificationsRead, AllNotificationsDismissed,
  SettingsUpdated, ProfileUpdated, PreferencesUpdated, NotificationsUpdated,
  NotificationConnectionEstablished, NotificationPong, NotificationError,
] as const;
