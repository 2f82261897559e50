// Prints the comparison: each session's rows with its verdict (coloured on a terminal, invisible characters made
// visible), the summary table, our server's log note, and the optional JSON file of every transcript.

import { writeFileSync } from 'node:fs';
import type { Entry } from './client';
import { diffCounts, type Row, type Verdict } from './compare';
import type { Session } from './session-kit';

/** One session's outcome, with both transcripts. */
export interface SessionResult {
  session: Session;
  verdict: Verdict;
  rows: Row[];
  rails: Entry[];
  ours: Entry[];
  error?: string;
}

const useColor = process.stdout.isTTY;
const paint = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Show frames exactly, but make invisible / non-ASCII characters visible as «U+XXXX». */
export function visible(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => `«U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}»`);
}

/** A verdict in its colour. */
function verdictTag(verdict: Verdict): string {
  if (verdict === 'identical') return paint(32, verdict);
  return verdict === 'intended difference' ? paint(33, verdict) : paint(31, verdict);
}

/** Print one row (the step's heading is printed by the caller). */
function printRow(s: Session, r: Row): void {
  if (r.rails === undefined && r.ours === undefined) {
    console.log('       = (nothing on either side)');
  } else if (r.same && r.rails !== r.ours && r.rails?.startsWith('[stat ')) {
    console.log(`       · rails: ${r.rails}`);
    console.log(`         ours : ${r.ours}`);
  } else if (r.same) {
    console.log(`       = ${visible(r.rails ?? '')}`);
  } else {
    const mark = r.orderOnly || (s.intendedSteps ?? []).includes(r.segment) ? paint(33, '~') : paint(31, '≠');
    console.log(`     ${mark} rails: ${r.rails === undefined ? '(nothing)' : visible(r.rails)}`);
    console.log(`       ours : ${r.ours === undefined ? '(nothing)' : visible(r.ours)}`);
    if (r.note) console.log(`       (${r.note})`);
  }
}

/** Print a session's heading, notes and rows. */
export function printSession(s: Session, rows: Row[], verdict: Verdict): void {
  console.log(`\n=== ${s.name}: ${s.title}  →  ${verdictTag(verdict)}`);
  if (s.orderMayDiffer) console.log('    (frames of one step may arrive in any order on Rails: ~ marks order-only differences)');
  if (s.intended) console.log(`    (intended: ${s.intended})`);
  let last = '';
  for (const r of rows) {
    if (r.segment !== last) {
      console.log(`  ${paint(36, `>> ${r.segment}`)}`);
      last = r.segment;
    }
    printRow(s, r);
  }
}

/** Print the heading of a session that failed to run. */
export function printSessionError(s: Session, message: string): void {
  console.log(`\n=== ${s.name}: ${s.title}  →  ${paint(31, `error: ${message}`)}`);
}

/** Print the summary table. */
export function printSummary(results: SessionResult[]): void {
  console.log('\n=== Summary');
  const w = Math.max(...results.map((r) => r.session.name.length), 8);
  console.log(`  ${'session'.padEnd(w)}  verdict                  differing rows: unexpected / intended / order-only`);
  for (const r of results) {
    const n = diffCounts(r.session, r.rows);
    console.log(`  ${r.session.name.padEnd(w)}  ${r.verdict.padEnd(23)}  ${r.verdict === 'error' ? r.error : `${n.unexpected} / ${n.intended} / ${n.orderOnly}`}`);
  }
}

/** Print how many warn+ lines our server logged, and the first. */
export function printServerLog(serverLog: string): void {
  if (!serverLog) return;
  const lines = serverLog.split('\n');
  console.log(`\n(our server's warn+ log lines: ${lines.length}; first: ${visible(lines[0] ?? '').slice(0, 200)})`);
}

/** Write every transcript and its rows as JSON to `file`. */
export function writeTranscripts(file: string, results: SessionResult[]): void {
  const out = results.map((r) => ({ name: r.session.name, title: r.session.title, verdict: r.verdict, error: r.error, rows: r.rows, rails: r.rails, ours: r.ours }));
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`transcripts written to ${file}`);
}
