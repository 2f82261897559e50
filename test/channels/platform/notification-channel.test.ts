// NotificationChannel through the harness with a seeded SQLite database.

import { broadcaster, broadcastingFor, gidOf } from '../../../src/channel/index';
import {
  NewNotification, NotificationUserStream, NotificationsUpdated, PreferencesUpdated, ProfileUpdated, SettingsUpdated, notificationJson,
  publishAllNotificationsDismissed, publishAllNotificationsRead, publishNotificationDismissed, publishNotificationRead,
} from '../../../channels/platform/notification-events';
import { ofType, replyTo } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

const params = { channel: 'NotificationChannel', account_id: acme.account };

const env = platformSuite();

const unreadId = () => env.db.notification.findFirstOrThrow({ where: { accountId: acme.account, readAt: null } }).then((n) => n.id);

describe('NotificationChannel', () => {
  describe('subscribe', () => {
    it('accepts the own account and transmits connection_established before the confirmation', async () => {
      const c = await env.connectUser(acme.viewer);
      expect(await c.subscribe(params)).toBe('confirm_subscription');
      const frames = c.transport.messages.filter((m) => m.identifier === JSON.stringify(params));
      expect(frames[0]?.message).toEqual({ type: 'connection_established', message: 'Connected to real-time notifications', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
      expect(frames[1]?.type).toBe('confirm_subscription');
    });

    it('streams account_<id> and the Rails notification:<gid> names of the account and the user', async () => {
      const c = await env.subscribedUser(acme.member, params);
      expect(c.streams(params).sort()).toEqual(
        [`account_${acme.account}`, broadcastingFor('server', 'notification', gidOf('Account', acme.account)), broadcastingFor('server', 'notification', gidOf('User', acme.member))].sort(),
      );
      expect(broadcastingFor('server', 'notification', gidOf('Account', acme.account))).toBe(`notification:${Buffer.from(`gid://server/Account/${acme.account}`).toString('base64url')}`);
    });

    it('rejects a foreign account', () => env.refusesUser(acme.owner, { ...params, account_id: globex.account }));

    it('rejects a malformed id, missing params and a non-string id', () =>
      env.refusesUser(acme.owner, { ...params, account_id: 'not-a-uuid' }, { channel: 'NotificationChannel' }, { ...params, account_id: 42 }));

    it('rejects a worker identity', () => env.refusesWorker(params));
  });

  describe('actions', () => {
    it('answers ping with pong', async () => {
      const c = await env.subscribedUser(acme.viewer, params);
      expect(await replyTo(c, params, 'ping')).toEqual({ type: 'pong', server_timestamp: expect.any(String) });
    });

    it('marks a notification read, persists it and announces notification_read', async () => {
      const id = await unreadId();
      const c = await env.subscribedUser(acme.owner, params);
      await c.perform(params, 'mark_as_read', { notification_id: id });
      expect((await env.db.notification.findUniqueOrThrow({ where: { id } })).readAt).not.toBeNull();
      expect(c.last(params)).toEqual({ type: 'notification_read', notification_id: id });
    });

    it('refuses a notification of another user or account with an error frame', async () => {
      const foreign = await env.db.notification.findFirstOrThrow({ where: { accountId: globex.account } });
      const c = await env.subscribedUser(acme.owner, params);
      expect(await replyTo(c, params, 'mark_as_read', { notification_id: foreign.id })).toEqual({ type: 'error', message: 'Notification not found', action: 'mark_as_read' });
      expect((await env.db.notification.findUniqueOrThrow({ where: { id: foreign.id } })).readAt).toEqual(foreign.readAt);
      const member = await env.subscribedUser(acme.member, params);
      const owners = await env.db.notification.findFirstOrThrow({ where: { accountId: acme.account, userId: acme.owner } });
      expect(await replyTo(member, params, 'dismiss', { notification_id: owners.id })).toMatchObject({ type: 'error', message: 'Notification not found' });
    });

    it('answers a malformed or missing notification_id with an error frame', async () => {
      const c = await env.subscribedUser(acme.owner, params);
      expect(await replyTo(c, params, 'dismiss', { notification_id: 'nope' })).toEqual({ type: 'error', message: 'Notification not found', action: 'dismiss' });
      expect(await replyTo(c, params, 'dismiss', {})).toEqual({ type: 'error', message: 'Invalid parameters: notification_id', action: 'dismiss' });
    });

    it('dismisses a notification and announces notification_dismissed', async () => {
      const n = await env.db.notification.create({ data: { accountId: acme.account, userId: acme.member, notificationType: 'x', title: 't', message: 'm' } });
      const c = await env.subscribedUser(acme.member, params);
      await c.perform(params, 'dismiss', { notification_id: n.id });
      expect((await env.db.notification.findUniqueOrThrow({ where: { id: n.id } })).dismissedAt).not.toBeNull();
      expect(c.last(params)).toEqual({ type: 'notification_dismissed', notification_id: n.id });
    });

    it('marks all of the caller\'s notifications read and reports the count', async () => {
      await env.db.notification.createMany({ data: [1, 2].map((i) => ({ accountId: acme.account, userId: acme.viewer, notificationType: 'x', title: `t${i}`, message: 'm' })) });
      const c = await env.subscribedUser(acme.viewer, params);
      expect(await replyTo(c, params, 'mark_all_as_read')).toEqual({ type: 'all_notifications_read', count: 2 });
      expect(await env.db.notification.count({ where: { userId: acme.viewer, readAt: null } })).toBe(0);
      expect(await env.db.notification.count({ where: { userId: acme.owner, readAt: null, accountId: globex.account } })).toBe(0);
    });

    it('dismisses all of the caller\'s notifications and reports the count', async () => {
      const c = await env.subscribedUser(acme.viewer, params);
      expect(await replyTo(c, params, 'dismiss_all')).toEqual({ type: 'all_notifications_dismissed', count: 2 });
      expect(await env.db.notification.count({ where: { accountId: globex.account, dismissedAt: { not: null } } })).toBe(0);
    });

    it('answers sync_settings with the caller\'s settings_updated snapshot', async () => {
      const c = await env.subscribedUser(acme.member, params);
      expect(await replyTo(c, params, 'sync_settings')).toEqual({
        type: 'settings_updated',
        data: {
          profile: { id: acme.member, name: 'Acme Member', email: 'member@acme.example', email_verified: true, status: 'active' },
          account: { id: acme.account, name: 'Acme', subdomain: 'acme', status: 'active' },
        },
        user_id: acme.member,
        timestamp: expect.any(String),
      });
    });
  });

  describe('publishers', () => {
    it('delivers new_notification (with the read? key) to the notification\'s user only', async () => {
      const owner = await env.subscribedUser(acme.owner, params);
      const member = await env.subscribedUser(acme.member, params);
      const n = await env.db.notification.create({ data: { accountId: acme.account, userId: acme.owner, notificationType: 'alert', title: 'Hi', message: 'There', metadata: { a: 1 } } });
      await broadcaster(NewNotification, NotificationUserStream)(env.broadcaster, { user_id: acme.owner }, { notification: notificationJson(n) });
      await Promise.all([owner.idle(), member.idle()]);
      expect(owner.last(params)).toEqual({
        type: 'new_notification',
        notification: {
          id: n.id, notification_type: 'alert', title: 'Hi', message: 'There', severity: 'info', action_url: null, action_label: null,
          icon: null, category: null, metadata: { a: 1 }, created_at: n.createdAt.toISOString(), 'read?': false,
        },
      });
      expect(ofType(member, params, 'new_notification')).toEqual([]);
    });

    it('delivers account-wide events to every subscriber of the account and none of another', async () => {
      const owner = await env.connectUser(acme.owner);
      const member = await env.subscribedUser(acme.member, params);
      const otherParams = { channel: 'NotificationChannel', account_id: globex.account };
      const other = await env.subscribedUser(globex.owner, otherParams);
      await owner.subscribe(params);
      const target = { accountId: acme.account };
      await publishNotificationRead(env.broadcaster, target, { notification_id: 'n1' });
      await publishNotificationDismissed(env.broadcaster, target, { notification_id: 'n2' });
      await publishAllNotificationsRead(env.broadcaster, target, { count: 3 });
      await publishAllNotificationsDismissed(env.broadcaster, target, { count: 4 });
      await Promise.all([owner.idle(), member.idle(), other.idle()]);
      const expected = [
        { type: 'notification_read', notification_id: 'n1' },
        { type: 'notification_dismissed', notification_id: 'n2' },
        { type: 'all_notifications_read', count: 3 },
        { type: 'all_notifications_dismissed', count: 4 },
      ];
      expect(owner.received(params).slice(-4)).toEqual(expected);
      expect(member.received(params).slice(-4)).toEqual(expected);
      expect(other.received(otherParams)).toHaveLength(1);
    });

    it('delivers the settings events to the user\'s own sessions', async () => {
      const member = await env.subscribedUser(acme.member, params);
      const owner = await env.subscribedUser(acme.owner, params);
      const t = { user_id: acme.member };
      await broadcaster(SettingsUpdated)(env.broadcaster, t, { data: { theme: 'dark' }, user_id: acme.member });
      await broadcaster(ProfileUpdated)(env.broadcaster, t, { data: { name: 'M' }, user_id: acme.member });
      await broadcaster(PreferencesUpdated)(env.broadcaster, t, { data: { lang: 'en' }, user_id: acme.member });
      await broadcaster(NotificationsUpdated)(env.broadcaster, t, { data: { email: false }, user_id: acme.member });
      await Promise.all([member.idle(), owner.idle()]);
      expect(member.received(params).slice(-4).map((m) => (m as { type: string }).type)).toEqual(['settings_updated', 'profile_updated', 'preferences_updated', 'notifications_updated']);
      expect(member.last(params)).toEqual({ type: 'notifications_updated', data: { email: false }, user_id: acme.member, timestamp: expect.any(String) });
      expect(ofType(owner, params, 'settings_updated')).toEqual([]);
    });

    it('delivers what a Rails producer broadcasts to notification:<Account gid> and to account_<id>', async () => {
      const c = await env.subscribedUser(acme.viewer, params);
      await env.server.broadcast(broadcastingFor('server', 'notification', gidOf('Account', acme.account)), { type: 'new_notification', notification: { id: 'r' } });
      await env.server.broadcast(`account_${acme.account}`, { type: 'subscription_updated', subscription: null });
      await c.idle();
      expect(c.received(params).slice(-2)).toEqual([{ type: 'new_notification', notification: { id: 'r' } }, { type: 'subscription_updated', subscription: null }]);
    });
  });
});
