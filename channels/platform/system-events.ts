// SystemChannel (newer fork) payloads and publishers: operations from the SystemOperation model, node and
// instance updates, and the stats-changed ping, all on `system_channel_<account_id>`.

import type { SystemOperation } from '../../src/db/prisma';
import { iso, isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `system_channel_<account_id>` (SystemChannel.stream_name_for). */
export function systemStream(accountId: string): string {
  return `system_channel_${accountId}`;
}

function meta(op: SystemOperation, key: string): unknown {
  const m = op.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? ((m as Record<string, unknown>)[key] ?? null) : null;
}

/** The fork's operation object; `command` is the operation type and `description` its message. */
export function operationJson(op: SystemOperation): Record<string, unknown> {
  return {
    id: op.id,
    command: op.operationType,
    operation_type: op.operationType,
    status: op.status,
    progress: op.progress,
    description: op.message,
    error_message: op.errorMessage,
    scheduled_at: meta(op, 'scheduled_at'),
    started_at: iso(op.startedAt),
    completed_at: iso(op.completedAt),
    operable_type: meta(op, 'operable_type'),
    operable_id: meta(op, 'operable_id'),
    created_at: isoNow(op.createdAt),
    updated_at: isoNow(op.updatedAt),
  };
}

/** A node as SystemChannel.broadcast_node_update shows it. */
export interface SystemNodeView {
  id: string;
  name: string;
  enabled: boolean;
  public_address: string | null;
  instances_count: number;
  created_at: string;
  updated_at: string;
}

/** A node instance as SystemChannel.broadcast_instance_update shows it. */
export interface SystemInstanceView {
  id: string;
  name: string;
  status: string;
  variety: string | null;
  private_ip_address: string | null;
  public_ip_address: string | null;
  node_id: string;
  created_at: string;
  updated_at: string;
}

/** `operation_updated {operation, timestamp}`. */
export function publishOperationUpdated(b: Broadcaster, op: SystemOperation): Promise<void> {
  return b.broadcast(systemStream(op.accountId), { type: 'operation_updated', operation: operationJson(op), timestamp: isoNow() });
}

/** `operation_progress {operation_id, status, progress, description, timestamp}`. */
export function publishOperationProgress(b: Broadcaster, op: SystemOperation): Promise<void> {
  const message = { type: 'operation_progress', operation_id: op.id, status: op.status, progress: op.progress, description: op.message, timestamp: isoNow() };
  return b.broadcast(systemStream(op.accountId), message);
}

/** `node_updated {node, timestamp}`. */
export function publishNodeUpdated(b: Broadcaster, accountId: string, node: SystemNodeView): Promise<void> {
  return b.broadcast(systemStream(accountId), { type: 'node_updated', node, timestamp: isoNow() });
}

/** `instance_updated {instance, timestamp}`. */
export function publishInstanceUpdated(b: Broadcaster, accountId: string, instance: SystemInstanceView): Promise<void> {
  return b.broadcast(systemStream(accountId), { type: 'instance_updated', instance, timestamp: isoNow() });
}

/** `stats_updated {timestamp}`: clients re-request `refresh_stats`. */
export function publishStatsUpdated(b: Broadcaster, accountId: string): Promise<void> {
  return b.broadcast(systemStream(accountId), { type: 'stats_updated', timestamp: isoNow() });
}
