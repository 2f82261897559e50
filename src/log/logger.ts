// Structured JSON logging, one line per event. Owns secret filtering: keys that look like credentials are
// replaced before anything is written, so tokens never reach the log.

import type { ErrorCode } from '../errors';

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Fields attached to a log line; `code` is one of the stable error codes (README's table), checked by the compiler. */
export type LogFields = { code?: ErrorCode } & Record<string, unknown>;

/** The logging surface every module receives. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const SECRET_KEY = /token|secret|password|authorization|jwt|key$|^key|cookie/i;
const TOKEN_IN_TEXT = /([?&](?:token|jid|sid)=)[^&\s"]+|(Bearer\s+)[^\s"]+|(eyJ[\w-]+\.[\w-]+\.)[\w-]+/g;

/** Replace secret-looking values (by key) and token-looking substrings (by shape). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(TOKEN_IN_TEXT, (_m, q, b, j) => `${q ?? b ?? j ?? ''}[FILTERED]`);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1), stack: redact(value.stack, depth + 1) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[FILTERED]' : redact(v, depth + 1);
  return out;
}

/** A sink receives each finished line (stdout by default; tests capture). */
export type LogSink = (line: string) => void;

/** Create a JSON logger writing at or above `level`. */
export function createLogger(level: LogLevel = 'info', sink: LogSink = (l) => process.stdout.write(l + '\n'), base: LogFields = {}): Logger {
  const min = LEVELS[level];
  const write = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[lvl] < min) return;
    const entry = { time: new Date().toISOString(), level: lvl, msg: redact(msg), ...(redact({ ...base, ...fields }) as LogFields) };
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  };
}

/** A logger that drops everything (for tests and benches). */
export const silentLogger: Logger = createLogger('silent');

/**
 * Limit warn and error lines of `logger` to `max` each per `windowMs` (a client flooding bad frames or failing actions
 * cannot flood the log); a summary line per level reports what was suppressed.
 */
export function limitWarnings(logger: Logger, max = 20, windowMs = 10_000, onLine?: LineObserver): Logger {
  const warn = budget(logger, 'warn', max, windowMs, onLine);
  const error = budget(logger, 'error', max, windowMs, onLine);
  return { ...logger, warn, error, debug: logger.debug, info: logger.info, child: (f) => limitWarnings(logger.child(f), max, windowMs, onLine) };
}

/** Sees every warn and error call of a limited logger, written or suppressed (metrics count them all). */
export type LineObserver = (level: 'warn' | 'error', fields: LogFields | undefined) => void;

function budget(logger: Logger, level: 'warn' | 'error', max: number, windowMs: number, onLine?: LineObserver): (msg: string, fields?: LogFields) => void {
  let windowStart = 0;
  let count = 0;
  let suppressed = 0;
  return (msg, fields) => {
    onLine?.(level, fields);
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      if (suppressed > 0) logger[level](`${level} lines suppressed`, { code: 'CABLE_LOG_SUPPRESSED', suppressed });
      windowStart = now;
      count = 0;
      suppressed = 0;
    }
    if (count < max) {
      count += 1;
      logger[level](msg, fields);
    } else suppressed += 1;
  };
}
