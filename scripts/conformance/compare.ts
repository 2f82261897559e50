// Compares two transcripts of one session step by step: each side's entries after a send are lined up row by row
// (ping timestamps normalised), differences explained, and the session judged identical / intended / UNEXPECTED.

import type { Entry } from './client';
import type { Session } from './session-kit';

/** A session's outcome. */
export type Verdict = 'identical' | 'intended difference' | 'UNEXPECTED difference' | 'error';

/** One compared line of a step. */
export interface Row {
  segment: string;
  rails: string | undefined;
  ours: string | undefined;
  same: boolean;
  /** Differs only because the step's frames came in another order (same multiset). */
  orderOnly?: boolean;
  note?: string;
}

/** How a session's differing rows split up, for the summary. */
export interface DiffCounts {
  unexpected: number;
  intended: number;
  orderOnly: number;
}

interface Segment {
  label: string;
  items: string[];
}

/** A line with ping timestamps replaced by `<int>`. */
function normalise(s: string): string {
  return s.replace(/^\{"type":"ping","message":\d+\}$/, '{"type":"ping","message":<int>}');
}

/** An entry as one transcript line. */
function describe(e: Entry): string {
  switch (e.kind) {
    case 'recv':
      return e.binary ? `<binary> ${e.text}` : e.text;
    case 'close':
      return `[close ${e.code}${e.reason ? ` "${e.reason}"` : ''}]`;
    case 'info':
      return `[${e.key}: ${e.value}]`;
    case 'stat':
      return `[stat ${e.key}: ${e.value}]`;
    case 'send':
      return `>> ${e.text}`;
  }
}

/** Split a transcript into segments headed by the sends (sends are identical on both sides). */
function segments(entries: Entry[]): Segment[] {
  const out: Segment[] = [{ label: '(on connect)', items: [] }];
  for (const e of entries) {
    if (e.kind === 'send') out.push({ label: e.label, items: [] });
    else (out[out.length - 1] as Segment).items.push(describe(e));
  }
  return out;
}

/** A JSON value with every object's keys sorted. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** Why two differing lines differ, when both are JSON. */
function explain(a: string, b: string): string | undefined {
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return undefined;
  }
  if (JSON.stringify(x) === JSON.stringify(y)) return 'same JSON value and key order; bytes differ (escaping / number formatting / whitespace)';
  if (JSON.stringify(canonical(x)) === JSON.stringify(canonical(y))) return 'same JSON value; key order differs';
  return 'different JSON value';
}

/** A step's lines as a sorted multiset (stats left out), to tell order-only differences. */
function bag(items: string[] | undefined): string {
  return JSON.stringify((items ?? []).filter((x) => !x.startsWith('[stat ')).map(normalise).sort());
}

/** One row comparing line `x` of Rails with line `y` of ours. */
function row(segment: string, x: string | undefined, y: string | undefined, orderOnly: boolean): Row {
  const stat = x?.startsWith('[stat ') === true && y?.startsWith('[stat ') === true;
  const same = stat || (x !== undefined && y !== undefined && normalise(x) === normalise(y));
  const note = !same && x !== undefined && y !== undefined ? explain(x, y) : undefined;
  const detail = !same && orderOnly ? { orderOnly: true, note: 'same frames in this step, different order' } : note ? { note } : {};
  return { segment, rails: x, ours: y, same, ...detail };
}

/** The rows of one step (a single "nothing on either side" row when both are empty). */
function compareSegment(sa: Segment | undefined, sb: Segment | undefined): Row[] {
  const label = sa?.label ?? sb?.label ?? '?';
  const m = Math.max(sa?.items.length ?? 0, sb?.items.length ?? 0);
  if (m === 0) return [{ segment: label, rails: undefined, ours: undefined, same: true }];
  const orderOnly = bag(sa?.items) === bag(sb?.items);
  return Array.from({ length: m }, (_, j) => row(label, sa?.items[j], sb?.items[j], orderOnly));
}

/** Compare the Rails transcript with ours, step by step. */
export function compare(rails: Entry[], ours: Entry[]): Row[] {
  const a = segments(rails);
  const b = segments(ours);
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => compareSegment(a[i], b[i])).flat();
}

/** Whether a differing row is excused by the session: an intended step, or an order-only difference it allows. */
function excused(s: Session, r: Row): boolean {
  return (s.intendedSteps ?? []).includes(r.segment) || (s.orderMayDiffer === true && r.orderOnly === true);
}

/** The session's verdict from its rows. */
export function verdictOf(s: Session, rows: Row[]): Verdict {
  const diffs = rows.filter((r) => !r.same);
  if (diffs.length === 0) return 'identical';
  return diffs.every((r) => excused(s, r)) ? 'intended difference' : 'UNEXPECTED difference';
}

/** The session's differing rows counted as unexpected, intended and order-only. */
export function diffCounts(s: Session, rows: Row[]): DiffCounts {
  const diff = rows.filter((x) => !x.same);
  const intendedSteps = new Set(s.intendedSteps ?? []);
  const orderOnly = diff.filter((x) => s.orderMayDiffer && x.orderOnly && !intendedSteps.has(x.segment)).length;
  const intended = diff.filter((x) => intendedSteps.has(x.segment)).length;
  return { unexpected: diff.length - orderOnly - intended, intended, orderOnly };
}
