// JSON text built by hand for the fuzzer: values JavaScript cannot hold (1e400, -0, 2**64 + 1 as written),
// duplicate keys, deep nesting and long strings, plus fast-check arbitraries of such values. Pure: no I/O.

import fc from 'fast-check';

/** A piece of JSON text (possibly invalid on purpose). */
export type Raw = string;

/** A JSON string literal of `s`. */
export function rawString(s: string): Raw {
  return JSON.stringify(s);
}

/** A JSON object from `[key, raw value]` pairs, in order, duplicates kept. */
export function rawObject(entries: ReadonlyArray<readonly [string, Raw]>): Raw {
  return `{${entries.map(([k, v]) => `${rawString(k)}:${v}`).join(',')}}`;
}

/** A JSON array of raw values. */
export function rawArray(items: readonly Raw[]): Raw {
  return `[${items.join(',')}]`;
}

/** Numbers that overflow, underflow or lose precision in a double, written as JSON text. */
export const HUGE_NUMBERS: readonly Raw[] = [
  '1e400', '-1e400', '1e-400', '-0', '-0.0', '18446744073709551616', '18446744073709551615', '9007199254740993',
  '-9223372036854775809', '123456789012345678901234567890', '1.7976931348623157e309', '4.9e-325', '0.1e1', '1E+2',
  '00', '01', '1.', '.5', '+1', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000',
];

/** One of HUGE_NUMBERS, or a run of hundreds of digits. */
export const hugeNumber: fc.Arbitrary<Raw> = fc.oneof(
  fc.constantFrom(...HUGE_NUMBERS),
  fc.integer({ min: 20, max: 5000 }).map((n) => '9'.repeat(n)),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')),
);

/** Strings that stress escaping and encoding: HTML-unsafe characters, separators, NUL, lone surrogates. */
export const trickyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '<script>', '&amp;', '\u2028\u2029', '\u0000', '\ud800', '\udfff', '"', '\\', '{"channel":"X"}', '__proto__', 'constructor', '%00', '../../etc/passwd', "' OR 1=1 --", 'null', 'undefined', 'true'),
);

/** A string of `length` characters (repeated, so generating it is cheap). */
export function longString(length: number, unit = 'x'): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Long strings: a few KB up to `max` characters. */
export function longStringArb(max: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 1024, max }), fc.constantFrom('x', 'é', '€', '😀', '\\', '"', '<')).map(([n, unit]) => longString(n, unit));
}

/** `[[[…]]]`, `{"a":{"a":…}}` or a mix, `depth` levels deep, balanced or left open. */
export function deepJson(depth: number, shape: 'array' | 'object' | 'mixed', closed: boolean): Raw {
  if (shape === 'array') return '['.repeat(depth) + (closed ? ']'.repeat(depth) : '');
  if (shape === 'object') return '{"a":'.repeat(depth) + (closed ? `1${'}'.repeat(depth)}` : '');
  const open = '[{"a":'.repeat(Math.ceil(depth / 2));
  return open + (closed ? `1${'}]'.repeat(Math.ceil(depth / 2))}` : '');
}

/** Deeply nested JSON text, from just past a sane limit to `maxDepth` levels. */
export function deepJsonArb(maxDepth: number): fc.Arbitrary<Raw> {
  return fc
    .tuple(fc.oneof({ arbitrary: fc.integer({ min: 60, max: 130 }), weight: 3 }, { arbitrary: fc.integer({ min: 130, max: Math.min(2000, maxDepth) }), weight: 2 }, { arbitrary: fc.integer({ min: 130, max: maxDepth }), weight: 1 }), fc.constantFrom('array' as const, 'object' as const, 'mixed' as const), fc.boolean())
    .map(([depth, shape, closed]) => deepJson(depth, shape, closed));
}

/** A scalar of any JSON type, including huge numbers and tricky strings. */
export const weirdScalar: fc.Arbitrary<Raw> = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '0', '-1', '""', '[]', '{}'),
  hugeNumber,
  trickyString.map(rawString),
  fc.integer().map(String),
);

/** Small random JSON documents whose objects may repeat keys and use prototype-ish names. */
export const anyRaw: fc.Arbitrary<Raw> = fc.letrec<{ value: Raw; object: Raw; array: Raw }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, weirdScalar, tie('object'), tie('array')),
  object: fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'action', 'channel', 'id')), tie('value')), { maxLength: 5 }).map(rawObject),
  array: fc.array(tie('value'), { maxLength: 5 }).map(rawArray),
})).value;
