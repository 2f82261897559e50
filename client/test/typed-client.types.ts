// Type-level tests of the typed client, checked by `npm run lint` (tsc --noEmit; this file is never run): every
// `@ts-expect-error` line must fail to compile, so a wrong channel name, params, action name, action data or event
// type is a compile error. The types come from the server's channel classes.

import { z } from 'zod';
import type { ChatChannel } from '../../test/support/test-channels';
import { ApplicationChannel } from '../../channels/application-channel';
import { defineEvent } from '../../src/channel/index';
import type { EventNamed, EventOf, TypedCable, TypedSubscription } from '../src/index';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

declare const cable: TypedCable;

// --- Channel names and params (the channel's `static params`, z.input).
const system = cable.subscribe('SystemChannel', { account_id: 'acct' });
cable.subscribe('AiConversationChannel', { conversation_id: 'conv' });
// @ts-expect-error not a registered channel
cable.subscribe('NoSuchChannel', {});
// @ts-expect-error params are required (account_id)
cable.subscribe('SystemChannel');
// @ts-expect-error account_id is missing
cable.subscribe('SystemChannel', {});
// @ts-expect-error account_id is a string
cable.subscribe('SystemChannel', { account_id: 42 });
// @ts-expect-error conversation_id, not conversationId
cable.subscribe('AiConversationChannel', { conversationId: 'conv' });

// --- Actions (the keys of `static actions`) and their data (z.input of the action's schema, without `action`).
void system.perform('refresh_stats');
void system.perform('get_operation', { operation_id: 'op' });
// @ts-expect-error not an action of SystemChannel
void system.perform('send_message', { content: 'hi' });
const notifications = cable.subscribe('NotificationChannel', { account_id: 'acct' });
void notifications.perform('mark_as_read', { notification_id: 'n1' });
// @ts-expect-error notification_id is required
void notifications.perform('mark_as_read', {});
// @ts-expect-error notification_id is a string
void notifications.perform('mark_as_read', { notification_id: 1 });
// @ts-expect-error data is required
void notifications.perform('mark_as_read');
const conversation = cable.subscribe('AiConversationChannel', { conversation_id: 'conv' });
void conversation.perform('send_message', { content: 'Hello' });
// @ts-expect-error typing_indicator, not typing
void conversation.perform('typing', { typing: true });

// --- Events: the union of the channel's catalog events (z.output), discriminated by their wire name.
system.on('message', (ev) => {
  if (ev.type === 'operation_progress') {
    const progress: number | null = ev.progress;
    const operation: string = ev.operation_id;
    void progress, operation;
  }
  if (ev.type === 'system_stats') {
    const total: number | undefined = ev.stats.operations.total;
    void total;
  }
  // @ts-expect-error SystemChannel sends no message_created
  if (ev.type === 'message_created') return;
  // @ts-expect-error pong carries no operation
  if (ev.type === 'pong') void ev.operation;
});
assertType<Equal<EventNamed<import('../src/index').ChannelMap, 'SystemChannel', 'pong'>, { type: 'pong'; timestamp: string }>>();
system.on('error', (err: Error) => void err);
// @ts-expect-error no such subscription event
system.on('received', () => undefined);

// --- Any channel classes (an app's own map): params and actions typed; events `unknown` until declared.
type TestMap = { ChatChannel: typeof ChatChannel; Catalogued: typeof Catalogued };
declare const chat: TypedCable<TestMap>;
const room = chat.subscribe('ChatChannel', { room: 'lobby' });
void room.perform('speak', { body: 'hi' });
// @ts-expect-error body is required by speak's schema
void room.perform('speak', {});
// @ts-expect-error body is a string
void room.perform('speak', { body: 1 });
assertType<Equal<EventOf<TestMap, 'ChatChannel'>, unknown>>();

// A channel the moment it declares `static events`: its events are typed.
const Hello = defineEvent({ name: 'hello', delivery: ['transmit'], fields: { who: z.string(), n: z.number().optional() } });
const Said = defineEvent({ name: 'said', key: 'event', delivery: ['reply'], stamp: true, fields: { text: z.string() } });
class Catalogued extends ApplicationChannel {
  static override channel = 'Catalogued';
  static override params = z.looseObject({ id: z.string() });
  static override actions = { say: z.looseObject({ text: z.string() }) };
  static events = [Hello, Said] as const;
}
assertType<Equal<EventOf<TestMap, 'Catalogued'>, { type: 'hello'; who: string; n?: number | undefined } | { event: 'said'; text: string; timestamp: string }>>();
const cat: TypedSubscription<TestMap, 'Catalogued'> = chat.subscribe('Catalogued', { id: '1' });
cat.on('message', (ev) => {
  if ('type' in ev) void ev.who;
  else void ev.text;
});
// @ts-expect-error say needs text
void cat.perform('say', {});
