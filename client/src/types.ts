// The client's types, read off the server's channel classes (type-only: nothing here exists at run time). A channel
// class carries `static params` (zod), `static actions` (action name → zod schema, or { schema, handler }) and,
// once converted onto the catalog, `static events` (EventSpecs whose phantom `_output` is the wire message's type).

import type { input, ZodType } from 'zod';

/** The static side of a channel class the client reads. `typeof SomeChannel` fits. */
export interface ChannelStatics {
  readonly params: ZodType;
  readonly actions: Readonly<Record<string, unknown>>;
}

/** A map from wire channel name to channel class (ChannelMap, or an app's own). */
export type AnyChannelMap = { [name: string]: ChannelStatics };

/** The channel names of `M`. */
export type ChannelName<M> = keyof M & string;

type OrRecord<T> = unknown extends T ? Record<string, unknown> : T;

/** Drop `action` (the client adds it), keeping index signatures and optional keys (unlike Omit). */
type WithoutAction<T> = { [K in keyof T as K extends 'action' ? never : K]: T[K] };

/** What a subscription's params may be: the input of the channel's `static params` (the identifier minus `channel`). */
export type ParamsOf<M, C extends keyof M> = M[C] extends { params: infer P extends ZodType } ? WithoutChannel<OrRecord<input<P>>> : Record<string, unknown>;
type WithoutChannel<T> = { [K in keyof T as K extends 'channel' ? never : K]: T[K] };

/** `subscribe`'s arguments after the name: params optional when the channel requires none. */
export type ParamsArgs<M, C extends keyof M> = {} extends ParamsOf<M, C> ? [params?: ParamsOf<M, C>] : [params: ParamsOf<M, C>];

type ActionTableOf<M, C extends keyof M> = M[C] extends { actions: infer T } ? T : never;
type SchemaOf<E> = E extends ZodType ? E : E extends { schema: infer S extends ZodType } ? S : never;

/** The actions a channel accepts (the keys of its action table). */
export type ActionName<M, C extends keyof M> = keyof ActionTableOf<M, C> & string;

/** An action's data: the input of its schema, without `action`. */
export type ActionData<M, C extends keyof M, A extends ActionName<M, C>> = WithoutAction<OrRecord<input<SchemaOf<ActionTableOf<M, C>[A]>>>>;

/** `perform`'s arguments after the action: data optional when the action requires none. */
export type ActionArgs<M, C extends keyof M, A extends ActionName<M, C>> = {} extends ActionData<M, C, A> ? [data?: ActionData<M, C, A>] : [data: ActionData<M, C, A>];

type OutputOf<E> = E extends { readonly _output?: infer O } ? O : unknown;

/**
 * What a channel sends: the union of its catalog events' messages (`z.output` of their schemas), or `unknown` while
 * the channel declares no `static events`.
 */
export type EventOf<M, C extends keyof M> = M[C] extends { events: readonly (infer E)[] } ? OutputOf<E> : unknown;

/** One event of channel `C` by its wire name (`key` defaults to `type`): `EventNamed<ChannelMap, 'SystemChannel', 'pong'>`. */
export type EventNamed<M, C extends keyof M, N extends string, K extends string = 'type'> = Extract<EventOf<M, C>, { [P in K]: N }>;
