// Reads the server's JSON log lines (the logger sink in-process, the child's stdout for `npm run fuzz`) and keeps
// what the fuzz judges: counts per level and code, and the suspicious lines — every `error` line and every
// warn/error line without a `code` — grouped by signature with a first example.

/** A group of suspicious log lines with the same level, code, message and error text. */
export interface LogFinding {
  signature: string;
  level: string;
  count: number;
  /** The first line (truncated), as logged. */
  example: string;
  /** performance.now() when it was first and last seen. */
  firstSeenAt: number;
  lastSeenAt: number;
}

type Line = { level?: unknown; msg?: unknown; code?: unknown; err?: unknown; suppressed?: unknown };

/** The per-connection warn limiter's tally (`{"msg":"… suppressed","suppressed":n}`) is not an error itself. */
function isTally(line: Line): boolean {
  return typeof line.suppressed === 'number' && /suppressed/.test(String(line.msg));
}

function errText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return '';
}

/** The grouping key of a line: level, code, message and the first 80 chars of its error text (ids masked). */
export function signatureOf(line: Line): string {
  const err = errText(line.err).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>').slice(0, 80);
  return `${String(line.level)} ${String(line.code ?? '(no code)')} ${String(line.msg)}${err ? ` — ${err}` : ''}`;
}

/** Collects and classifies log lines. */
export class LogWatch {
  readonly counts = new Map<string, number>();
  readonly findings = new Map<string, LogFinding>();
  lines = 0;
  unparsed = 0;

  /** Feed one log line (JSON text). */
  push(text: string): void {
    this.lines += 1;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      this.unparsed += 1;
      return;
    }
    const key = `${String(line.level)} ${String(line.code ?? '(no code)')}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (isSuspicious(line)) this.record(line, text);
  }

  /** The number of suspicious lines seen so far (compare before and after a burst). */
  get suspiciousCount(): number {
    let n = 0;
    for (const f of this.findings.values()) n += f.count;
    return n;
  }

  /** Findings seen (again) at or after `startedAt` (a performance.now() reading). */
  since(startedAt: number): LogFinding[] {
    return [...this.findings.values()].filter((f) => f.lastSeenAt >= startedAt);
  }

  private record(line: Line, text: string): void {
    const signature = signatureOf(line);
    const known = this.findings.get(signature);
    const now = performance.now();
    if (known) {
      known.count += 1;
      known.lastSeenAt = now;
    } else this.findings.set(signature, { signature, level: String(line.level), count: 1, example: text.slice(0, 1500), firstSeenAt: now, lastSeenAt: now });
  }
}

/** An error-level line, or a warn/error line without a code (the README promises a code on every failure). */
export function isSuspicious(line: Line): boolean {
  if (isTally(line)) return false;
  if (line.level === 'error') return true;
  return line.level === 'warn' && line.code === undefined;
}
