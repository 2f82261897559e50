// The worker request/response envelope (docs/channels.md): each `message` carries `action`
// and `request_id`; the reply is transmitted to this subscription only, `{request_id, success:true, data}` or
// `{request_id, success:false, error}` — also for unknown actions and invalid data, so a worker never waits 30 s.

import { z } from 'zod';
import { ClientError, defineEvent, eventMessage, NotFoundError, ParamsInvalidError } from '../../src/channel/index';
import { ApplicationChannel, isUuid } from '../application-channel';

/** A failure whose message is meant for the worker (the original's `transmit_error(request_id, message)`). */
export class RpcError extends ClientError {
  constructor(message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

/** The correlation id the Ruby client puts in every request (a UUID; any short string or number is echoed). */
export const RequestId = z.union([z.string().min(1).max(200), z.number()]);

/** The replies of `actions`: `{request_id, success:true, data}` and `{request_id, success:false, error}` (no `type`). */
export function rpcReplies(actions: readonly string[]) {
  const replyTo = [...actions];
  const Success = defineEvent({
    name: 'reply (success)', key: null, delivery: ['reply'], replyTo, summary: "The action's answer, by request_id (null when the request had none).",
    fields: { request_id: RequestId.nullable(), success: z.literal(true), data: z.unknown() },
  });
  const Failure = defineEvent({
    name: 'reply (error)', key: null, delivery: ['reply'], replyTo: [...replyTo, '(unknown action)'],
    summary: 'A failure meant for the worker, also for an unknown action or invalid data, so a worker never waits for its timeout.',
    fields: { request_id: RequestId.nullable(), success: z.literal(false), error: z.string() },
  });
  return { Success, Failure };
}

/** Schema of a request envelope plus the action's own fields. */
export function rpcRequest<T extends z.ZodRawShape>(shape: T) {
  return z.looseObject({ action: z.string(), request_id: RequestId, ...shape });
}

/** What an action returns when it answers the request itself later (replySuccess / replyError with its request_id). */
export const REPLY_LATER: unique symbol = Symbol('reply later');

/** Worker channels take no params beyond `channel`. */
const Params = z.looseObject({ channel: z.string() });

/** The request's correlation id, or null when it has none (the reply still goes out). */
const requestIdOf = (data: Record<string, unknown>) => RequestId.safeParse(data.request_id).data ?? null;

/** Base of the worker RPC channels: worker identities only, table-driven actions, replies by request_id. */
export abstract class WorkerRpcChannel extends ApplicationChannel {
  static override accepts = 'worker' as const;
  static override params = Params;
  /** The concrete channel's replies (rpcReplies of its actions). */
  protected abstract readonly replies: ReturnType<typeof rpcReplies>;

  /** Answers every action by its request_id: the handler's value (unless REPLY_LATER) or the failure meant for the worker. */
  protected override async around(action: string, data: Record<string, unknown>, run: () => Promise<unknown>): Promise<void> {
    const requestId = requestIdOf(data);
    try {
      const out = await run();
      if (out !== REPLY_LATER) this.replySuccess(requestId, out);
    } catch (err) {
      this.replyError(requestId, this.exposedMessage(err, action));
    }
  }

  /** Answers an unknown action too, so that a worker never waits for its timeout. */
  protected override unknownAction(_action: string, data: Record<string, unknown>): void {
    const action = typeof data.action === 'string' ? data.action.slice(0, 64) : '';
    this.logger.warn('worker action not found', { code: 'CABLE_UNKNOWN_ACTION', action });
    this.replyError(requestIdOf(data), action ? `Unknown action: ${action}` : 'action required');
  }

  /** `{request_id, success:true, data}`. */
  protected replySuccess(requestId: z.infer<typeof RequestId> | null, data: unknown): void {
    this.transmit(eventMessage(this.replies.Success, { request_id: requestId, data: data ?? null }));
  }

  /** `{request_id, success:false, error}`. */
  protected replyError(requestId: z.infer<typeof RequestId> | null, error: string): void {
    this.transmit(eventMessage(this.replies.Failure, { request_id: requestId, error }));
  }

  /** `ping` → `{pong:true}` (both worker channels). */
  ping(): { pong: true } {
    return { pong: true };
  }

  /** The worker's account id, or null for a system worker (which may act on every account; docs/channels.md). */
  protected get scopeAccountId(): string | null {
    return this.worker.isSystem ? null : this.worker.accountId;
  }

  /** `{ accountId }` for an account worker, `{}` for a system worker: spread into account-owned where-clauses. */
  protected accountScope(): { accountId?: string } {
    const accountId = this.scopeAccountId;
    return accountId ? { accountId } : {};
  }

  /** `id` lower-cased when it is a UUID; otherwise RpcError(`notFound`) before any query. */
  protected uuidOr(id: unknown, notFound: string): string {
    if (!isUuid(id)) throw new RpcError(notFound);
    return id.toLowerCase();
  }

  private exposedMessage(err: unknown, action: string): string {
    if (err instanceof ParamsInvalidError) {
      this.logger.warn('worker request invalid', { code: 'CABLE_PARAMS_INVALID', action });
      return validationMessage(err);
    }
    if (err instanceof RpcError) return err.message;
    if (err instanceof NotFoundError) return err.message;
    this.logger.error('worker action failed', { code: 'CABLE_CHANNEL_ERROR', action, err });
    return `${action} failed`;
  }
}

/** The first issue as `<message>` when the schema gave a custom one, else `<path>: <message>`. */
function validationMessage(error: ParamsInvalidError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  if (issue.path.split('.')[0] === 'request_id') return 'request_id required';
  return / required$/.test(issue.message) || !issue.path ? issue.message : `${issue.path}: ${issue.message}`;
}
