// Mutations of a valid frame as fast-check arbitraries: truncation, byte flips, duplicated keys and slices,
// deleted ranges, injected JSON punctuation, concatenated frames. A byte-level mutation may leave invalid UTF-8,
// which the caller must send as a (fatal) text frame or as binary. Pure.

import fc from 'fast-check';

/** A mutated frame: text when it is still valid UTF-8, otherwise the raw bytes. */
export type Mutant = { text: string } | { bytes: Uint8Array };

const PUNCTUATION: readonly string[] = ['{', '}', '[', ']', '"', '\\', ',', ':', '\\u0000', '\\ud800', 'null', '1e400', '\u2028', '\ufeff'];

/** Whether `bytes` decode as UTF-8 (what ws checks on text frames). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Cut `text` at a random position (never empty unless it was). */
export function truncate(text: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
}

/** Flip 1–4 random bits of the UTF-8 bytes. */
export function flipBits(text: string): fc.Arbitrary<Mutant> {
  const bytes = Buffer.from(text);
  if (bytes.length === 0) return fc.constant({ text });
  return fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(7)), { minLength: 1, maxLength: 4 }).map((flips) => {
    const out = Uint8Array.from(bytes);
    for (const [i, bit] of flips) out[i] = (out[i] as number) ^ (1 << bit);
    return isUtf8(out) ? { text: Buffer.from(out).toString('utf8') } : { bytes: out };
  });
}

/** Repeat the first `"key":value` pair of a flat object frame, with the same or a different value. */
export function duplicateKey(text: string): fc.Arbitrary<string> {
  const match = /^\{("[^"\\]*"):("(?:[^"\\]|\\.)*"|[^,}]*)/.exec(text);
  if (!match) return fc.constant(text);
  const [, key, value] = match;
  return fc.constantFrom(`${key}:${value}`, `${key}:null`, `${key}:"x"`, `${key}:{}`).map((pair) => `{${pair},${text.slice(1)}`);
}

/** Copy a slice of `text` somewhere else in it. */
export function duplicateSlice(text: string): fc.Arbitrary<string> {
  const n = text.length;
  return fc.tuple(fc.nat(n), fc.nat(n), fc.nat(n)).map(([a, b, at]) => text.slice(0, at) + text.slice(Math.min(a, b), Math.max(a, b)) + text.slice(at));
}

/** Remove a slice of `text`. */
export function deleteSlice(text: string): fc.Arbitrary<string> {
  const n = text.length;
  return fc.tuple(fc.nat(n), fc.nat(Math.min(n, 32))).map(([at, len]) => text.slice(0, at) + text.slice(at + len));
}

/** Insert JSON punctuation or a tricky token at a random position. */
export function inject(text: string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(text.length), fc.constantFrom(...PUNCTUATION)).map(([at, token]) => text.slice(0, at) + token + text.slice(at));
}

/** Any mutation of `text`. */
export function mutate(text: string): fc.Arbitrary<Mutant> {
  const asText = (arb: fc.Arbitrary<string>): fc.Arbitrary<Mutant> => arb.map((t) => ({ text: t }));
  return fc.oneof(
    asText(truncate(text)),
    flipBits(text),
    asText(duplicateKey(text)),
    asText(duplicateSlice(text)),
    asText(deleteSlice(text)),
    asText(inject(text)),
    fc.constantFrom<Mutant>({ text: text + text }, { text: `${text}\n${text}` }, { text: ` ${text} ` }, { text: `[${text}]` }, { text: JSON.stringify(text) }),
  );
}
