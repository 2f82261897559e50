// Small statistics helpers for the bench: percentiles over latency samples and formatting of figures.

/** Percentiles (ms) of a set of samples. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

/** Nearest-rank percentiles of `values` (sorted in place). */
export function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const at = (p: number) => (values.length === 0 ? NaN : (values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] as number));
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100), count: values.length };
}

/** Concatenate typed arrays. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) out.set(p, (offset += p.length) - p.length);
  return out;
}

/** A number with `digits` decimals, or '—' when missing. */
export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** An integer with thousands separators. */
export function fmtInt(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : Math.round(value).toLocaleString('en-US');
}
