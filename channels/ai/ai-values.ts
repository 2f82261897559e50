// Value conversions shared by the AI channel payloads: Rails encodes decimals as JSON strings, jsonb columns as
// their parsed values, and progress as a rounded percentage. No I/O here.

/** A decimal column as Rails encodes it (a JSON string), or null. */
export function decimalString(value: { toString(): string } | string | number | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toString();
}

/** A jsonb object column, or `fallback` when it is null or not an object. */
export function jsonObject(value: unknown, fallback: Record<string, unknown> = {}): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : fallback;
}

/** A jsonb array column, or `[]`. */
export function jsonArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `done / total` as a percentage rounded to `digits` decimals (0 when total is 0), as Ruby `round` does. */
export function percentage(done: number, total: number, digits = 1): number {
  const scale = 10 ** digits;
  return total > 0 ? Math.round((done / total) * 100 * scale) / scale : 0;
}

/** Drop the keys whose value is null or undefined (Ruby `Hash#compact`). */
export function compact<T extends Record<string, unknown>>(hash: T): Partial<T> {
  return Object.fromEntries(Object.entries(hash).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Whether `value` is a non-blank string (Rails `present?` for strings). */
export function isPresent(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
