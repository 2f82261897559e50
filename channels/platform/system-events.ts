// SystemChannel (newer fork) events: operations from the SystemOperation model, node and instance updates, and the
// stats-changed ping, all on `system_channel_<account_id>`; Rails publishes them (nothing here does), so they are
// schema-only: a producer in TypeScript derives its publisher with `broadcaster(OperationUpdated)`.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';
import type { SystemOperation } from '../../src/db/prisma';
import { iso, isoNow } from '../application-channel';

/** `system_channel_<account_id>` (SystemChannel.stream_name_for). */
export function systemStream(accountId: string): string {
  return SystemStream.name({ account_id: accountId });
}

function meta(op: SystemOperation, key: string): unknown {
  const m = op.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? ((m as Record<string, unknown>)[key] ?? null) : null;
}

/** The fork's operation object; `command` is the operation type and `description` its message. */
export function operationJson(op: SystemOperation): z.input<typeof Operation> {
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

const Operation = z.looseObject({
  id: z.string(), command: z.string(), operation_type: z.string(), status: z.string(), progress: z.number().nullable(),
  description: z.string().nullable(), error_message: z.string().nullable(), scheduled_at: z.unknown(), started_at: z.string().nullable(),
  completed_at: z.string().nullable(), operable_type: z.unknown(), operable_id: z.unknown(), created_at: z.string(), updated_at: z.string(),
});
const Node = z.looseObject({
  id: z.string(), name: z.string(), enabled: z.boolean(), public_address: z.string().nullable(), instances_count: z.number(),
  created_at: z.string(), updated_at: z.string(),
});
const Instance = z.looseObject({
  id: z.string(), name: z.string(), status: z.string(), variety: z.string().nullable(), private_ip_address: z.string().nullable(),
  public_ip_address: z.string().nullable(), node_id: z.string(), created_at: z.string(), updated_at: z.string(),
});

/** `system_channel_{account_id}`: every event below. */
export const SystemStream = stream('system_channel_{account_id}', { description: 'Operations, nodes and instances of one account.' });

/** `operation_updated {operation, timestamp}`. */
export const OperationUpdated = defineEvent({
  name: 'operation_updated', delivery: ['broadcast'], streams: [SystemStream], stamp: true,
  summary: 'A SystemOperation changed.', fields: { operation: Operation },
});
/** `operation_progress {operation_id, status, progress, description, timestamp}`. */
export const OperationProgress = defineEvent({
  name: 'operation_progress', delivery: ['broadcast'], streams: [SystemStream], stamp: true, summary: 'Progress of a running operation.',
  fields: { operation_id: z.string(), status: z.string(), progress: z.number().nullable(), description: z.string().nullable() },
});
/** `node_updated {node, timestamp}`. */
export const NodeUpdated = defineEvent({ name: 'node_updated', delivery: ['broadcast'], streams: [SystemStream], stamp: true, fields: { node: Node } });
/** `instance_updated {instance, timestamp}`. */
export const InstanceUpdated = defineEvent({
  name: 'instance_updated', delivery: ['broadcast'], streams: [SystemStream], stamp: true, fields: { instance: Instance },
});
/** `stats_updated {timestamp}`: clients re-request `refresh_stats`. */
export const StatsUpdated = defineEvent({
  name: 'stats_updated', delivery: ['broadcast'], streams: [SystemStream], stamp: true, summary: 'Clients re-request `refresh_stats`.', fields: {},
});

// Transmitted and replies.
const Account = z.string();
/** On subscribe. */
export const SystemConnectionEstablished = defineEvent({ name: 'connection_established', delivery: ['transmit'], stamp: true, fields: { account_id: Account } });
/** `refresh_operations` → the 50 newest operations. */
export const OperationsList = defineEvent({ name: 'operations_list', delivery: ['reply'], replyTo: ['refresh_operations'], stamp: true, fields: { operations: z.array(Operation) } });
/** `get_operation` → one operation. */
export const OperationStatus = defineEvent({ name: 'operation_status', delivery: ['reply'], replyTo: ['get_operation'], stamp: true, fields: { operation: Operation } });
/** `refresh_stats` → counts by status. */
export const SystemStats = defineEvent({
  name: 'system_stats', delivery: ['reply'], replyTo: ['refresh_stats'], stamp: true,
  fields: { stats: z.object({ operations: z.record(z.string(), z.number()) }) },
});
/** `ping` → `pong`. */
export const SystemPong = defineEvent({ name: 'pong', delivery: ['reply'], replyTo: ['ping'], stamp: true, fields: {} });
/** A failed action (`operation_id` only for `get_operation`'s "Operation not found"). */
export const SystemError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['refresh_operations', 'get_operation', 'refresh_stats', 'ping'],
  fields: { message: z.string(), action: z.string().optional(), operation_id: z.unknown().optional() },
});

/** Every SystemChannel event (its `static events`). */
export const SYSTEM_EVENTS = [
  OperationUpdated, OperationProgress, NodeUpdated, InstanceUpdated, StatsUpdated,
  SystemConnectionEstablished, OperationsList, OperationStatus, SystemStats, SystemPong, SystemError,
] as const;
