// What the fuzzer knows of the served channels, read from the registry list itself (channels/index.ts): each
// channel's protocol name, who it accepts, its param keys (with enum values) and its actions with their data keys.
// Reads zod schemas through their public `def`; never changes them.

import type { ZodType } from 'zod';
import { actionSpecs, type ChannelClass } from '../../../src/channel/index';

/** A key of a params or action-data schema, with the literal values it accepts when it is an enum. */
export interface FieldShape {
  key: string;
  values: string[];
}

/** One channel as the fuzzer sees it. */
export interface ChannelShape {
  /** The protocol's `{"channel": …}` name. */
  channel: string;
  accepts: 'user' | 'worker' | 'any';
  params: FieldShape[];
  actions: Array<{ name: string; fields: FieldShape[] }>;
}

/** Param names the channels document (docs/channels.md), tried on every channel besides its own schema keys. */
export const KNOWN_PARAM_KEYS: readonly string[] = [
  'account_id', 'execution_id', 'conversation_id', 'type', 'id', 'resource_id', 'service_name', 'workflow_id', 'pipeline_id',
  'ci_cd_pipeline_id', 'repository_id', 'job_id', 'channel_id', 'team_id', 'session_id',
];

/** `type` values of the typed channels (orchestration, missions, Code Factory). */
export const KNOWN_TYPES: readonly string[] = [
  'account', 'mission', 'run', 'contract', 'review_state', 'workflow', 'agent', 'batch', 'breaker', 'circuit_breaker',
  'ralph_loop', 'worktree', 'worktree_session', 'monitoring', 'execution', 'conversation', 'team',
];

interface Def {
  type?: string;
  shape?: Record<string, ZodType>;
  innerType?: ZodType;
  in?: ZodType;
  options?: ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
}

function defOf(schema: unknown): Def {
  return ((schema as { def?: Def } | undefined)?.def ?? {}) as Def;
}

/** The object shape under wrappers (optional, default, pipe, union of objects), or {} when there is none. */
function shapeOf(schema: unknown, depth = 0): Record<string, ZodType> {
  const def = defOf(schema);
  if (depth > 8) return {};
  if (def.shape) return def.shape;
  const inner = def.innerType ?? def.in;
  if (inner) return shapeOf(inner, depth + 1);
  if (def.options) return Object.assign({}, ...def.options.map((o) => shapeOf(o, depth + 1))) as Record<string, ZodType>;
  return {};
}

/** Literal values an enum or literal (under wrappers) accepts. */
function literalsOf(schema: unknown, depth = 0): string[] {
  const def = defOf(schema);
  if (depth > 8) return [];
  if (def.entries) return Object.values(def.entries).map(String);
  if (def.type === 'literal' && def.values) return def.values.map(String);
  const inner = def.innerType ?? def.in;
  if (inner) return literalsOf(inner, depth + 1);
  if (def.options) return def.options.flatMap((o) => literalsOf(o, depth + 1));
  return [];
}

function fieldsOf(schema: unknown): FieldShape[] {
  return Object.entries(shapeOf(schema)).map(([key, s]) => ({ key, values: literalsOf(s) }));
}

/** The catalog of `channels` (pass the registry list; BenchmarkChannel may be included). */
export function channelCatalog(channels: readonly ChannelClass[]): ChannelShape[] {
  return channels.map((cls) => ({
    channel: cls.channel,
    accepts: (cls as unknown as { accepts?: ChannelShape['accepts'] }).accepts ?? 'any',
    params: fieldsOf(cls.params),
    actions: actionSpecs(cls.actions).map(([name, spec]) => ({ name, fields: fieldsOf(spec.schema) })),
  }));
}
