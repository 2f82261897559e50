// Validation of subscription params and action data with zod; failures carry paths and messages, never values.

import type { ZodType } from 'zod';
import { ParamsInvalidError } from '../errors';

/** Validate `value` against `schema`; throws ParamsInvalidError listing each issue's path and message. */
export function validateParams<T>(schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ParamsInvalidError(result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}
