// SystemChannel (newer fork): infrastructure operations of the caller's account. Streams
// `system_channel_<acct>` and `account_<acct>`; operations and stats are read from SystemOperation rows.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel, isUuid } from '../application-channel';
import { AccountStream, accountStream } from './notification-events';
import {
  OperationStatus, OperationsList, SYSTEM_EVENTS, SystemConnectionEstablished, SystemError, SystemPong, SystemStats, SystemStream, operationJson, systemStream,
} from './system-events';

const Params = z.looseObject({ account_id: z.string().max(100) });
const NoData = z.looseObject({});
const GetOperation = z.looseObject({ operation_id: z.unknown().optional() });

/** Operation statuses counted by `system_stats`. */
export const OPERATION_STATUSES: readonly string[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

/** Operations, their status and statistics for the own account. */
export class SystemChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'SystemChannel';
  static override params = Params;
  static override actions = { refresh_operations: NoData, get_operation: GetOperation, refresh_stats: NoData, ping: NoData };
  static events = SYSTEM_EVENTS;
  static streams = [SystemStream, AccountStream];

  override subscribed(): void {
    if (!this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(systemStream(this.accountId));
    this.streamFrom(accountStream(this.accountId));
    this.transmit(eventMessage(SystemConnectionEstablished, { account_id: this.accountId, timestamp: this.now() }));
  }

  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    this.transmit(eventMessage(SystemError, { message: 'Request failed', action }));
  }

  /** `operations_list {operations (50 newest), timestamp}`. */
  async refresh_operations(): Promise<void> {
    const rows = await this.db.systemOperation.findMany({ where: { accountId: this.accountId }, orderBy: { createdAt: 'desc' }, take: 50 });
    this.transmit(eventMessage(OperationsList, { operations: rows.map(operationJson), timestamp: this.now() }));
  }

  /** `get_operation {operation_id}` → `operation_status`, or `error "Operation not found"`. */
  async get_operation({ operation_id }: z.infer<typeof GetOperation>): Promise<void> {
    const id = typeof operation_id === 'string' ? operation_id : '';
    const op = isUuid(id) ? await this.db.systemOperation.findFirst({ where: this.owned(id) }) : null;
    if (!op) return this.transmit(eventMessage(SystemError, { message: 'Operation not found', operation_id: operation_id ?? null }));
    this.transmit(eventMessage(OperationStatus, { operation: operationJson(op), timestamp: this.now() }));
  }

  /** `system_stats {stats:{operations:{total, <status>…}}, timestamp}` counted from the database. */
  async refresh_stats(): Promise<void> {
    const groups = await this.db.systemOperation.groupBy({ by: ['status'], where: { accountId: this.accountId }, _count: { _all: true } });
    const operations: Record<string, number> = { total: 0, ...Object.fromEntries(OPERATION_STATUSES.map((s) => [s, 0])) };
    for (const g of groups) {
      operations[g.status] = g._count._all;
      operations.total = (operations.total ?? 0) + g._count._all;
    }
    this.transmit(eventMessage(SystemStats, { stats: { operations }, timestamp: this.now() }));
  }

  /** `ping` → `pong {timestamp}`. */
  ping(): void {
    this.transmit(eventMessage(SystemPong, { timestamp: this.now() }));
  }
}
