// Value encoders shared by the extension channels' payload builders: Rails' JSON encoding of BigDecimal (a string,
// "0.0" style), of raw Time values (ISO-8601 with milliseconds) and of jsonb columns stored as JSON text.

/** A decimal column value as Prisma returns it (Decimal.js on both providers) or as callers pass it. */
export type DecimalLike = { toString(): string } | number | string;

/** Rails `BigDecimal#as_json`: a string, with `.0` when the value is integral; null stays null. */
export function decimalString(value: DecimalLike | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** A decimal as a JS number (Ruby `.to_f`), 0 for null. */
export function decimalNumber(value: DecimalLike | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = Number(String(value));
  return Number.isFinite(n) ? n : 0;
}

/** Rails' JSON of a raw Time (`ActiveSupport::TimeWithZone#as_json`): ISO-8601 with three fractional digits. */
export function timeJson(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** A jsonb column: Prisma returns parsed JSON on PostgreSQL and may hand back text on SQLite; both become values. */
export function jsonValue<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return value as T;
}

/** A plain JSON object (jsonb `{}` columns), never an array or scalar. */
export function jsonObject(value: unknown): Record<string, unknown> {
  const parsed = jsonValue<unknown>(value, {});
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** A JSON array (jsonb `[]` columns). */
export function jsonArray(value: unknown): unknown[] {
  const parsed = jsonValue<unknown>(value, []);
  return Array.isArray(parsed) ? parsed : [];
}
