// The part of @rails/actioncable (which ships no types) the typed client uses.

declare module '@rails/actioncable' {
  export interface Subscription {
    identifier: string;
    perform(action: string, data?: object): boolean;
    unsubscribe(): void;
  }
  export interface Consumer {
    subscriptions: {
      create(params: object, mixin: {
        connected?(): void;
        disconnected?(data?: { willAttemptReconnect?: boolean }): void;
        rejected?(): void;
        received?(message: unknown): void;
      }): Subscription;
    };
    connect(): boolean;
    disconnect(): void;
  }
  export const adapters: { WebSocket: unknown; logger: unknown };
  export function createConsumer(url?: string | (() => string)): Consumer;
}
