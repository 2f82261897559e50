// Limits for free-form JSON a client sends (attribute hashes, variables, tool arguments): nesting depth and encoded
// size, measured by an iterative walk that stops at the first excess, so no hostile value reaches Prisma unbounded.

import { z } from 'zod';

/** How deep and how large a free-form JSON value may be. */
export interface JsonLimits {
  /** Containers (objects, arrays) nested inside each other; `{}` is 1, `{"a":[]}` is 2. */
  maxDepth: number;
  /** UTF-8 bytes of the value as JSON text (counted as written, stopping at the first excess). */
  maxBytes: number;
}

/** The default: 32 levels (Ruby's JSON stops at 100, Prisma recurses per level) and 64 KiB. */
export const JSON_LIMITS: JsonLimits = Object.freeze({ maxDepth: 32, maxBytes: 64 * 1024 });

type Frame = { value: unknown; depth: number };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Encoded bytes of a scalar, or null when `value` is not a JSON scalar. */
function scalarBytes(value: unknown): number | null {
  if (value === null) return 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : null;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8') + 2;
  return null;
}

/** Bytes a container adds (brackets and separators) after pushing its children on `stack`. */
function openContainer(value: unknown[] | Record<string, unknown>, depth: number, stack: Frame[]): number {
  if (Array.isArray(value)) {
    for (const item of value) stack.push({ value: item, depth: depth + 1 });
    return 2 + value.length;
  }
  let bytes = 2;
  for (const [key, item] of Object.entries(value)) {
    bytes += Buffer.byteLength(key, 'utf8') + 4;
    stack.push({ value: item, depth: depth + 1 });
  }
  return bytes;
}

/** Why a container at `depth` is refused before its children are walked, or null. */
function containerFault(value: unknown, depth: number, limits: JsonLimits): string | null {
  if (!Array.isArray(value) && !isPlainObject(value)) return 'is not JSON';
  if (depth > limits.maxDepth) return `is nested deeper than ${limits.maxDepth} levels`;
  // Checked before the children are pushed, so a huge array costs no more than its limit.
  if (Array.isArray(value) && value.length > limits.maxBytes) return `is larger than ${limits.maxBytes} bytes`;
  return null;
}

/** Why `value` is not JSON within `limits` (a phrase such as `is nested deeper than 32 levels`), or null when it is. */
export function jsonFault(value: unknown, limits: JsonLimits = JSON_LIMITS): string | null {
  const stack: Frame[] = [{ value, depth: 1 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as Frame;
    const scalar = scalarBytes(v);
    if (scalar === null) {
      const fault = containerFault(v, depth, limits);
      if (fault) return fault;
    }
    bytes += scalar ?? openContainer(v as unknown[] | Record<string, unknown>, depth, stack);
    if (bytes > limits.maxBytes) return `is larger than ${limits.maxBytes} bytes`;
  }
  return null;
}

function refineWithin(limits: JsonLimits) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    const fault = jsonFault(value, limits);
    if (fault) ctx.addIssue({ code: 'custom', message: fault });
  };
}

/** Any JSON value within `limits` (zod), e.g. `result: boundedJson({ maxDepth: 32, maxBytes: 1 << 20 })`. */
export function boundedJson(limits: JsonLimits = JSON_LIMITS): z.ZodType<unknown> {
  return z.unknown().superRefine(refineWithin(limits));
}

/** A JSON object (never an array or scalar) within `limits` (zod). */
export function boundedJsonObject(limits: JsonLimits = JSON_LIMITS): z.ZodType<Record<string, unknown>> {
  return z.record(z.string(), z.unknown()).superRefine(refineWithin(limits));
}
