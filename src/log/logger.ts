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
  return new JsonLogger(LEVELS[level], sink, base);
}

/** Whether `logger` would write a line at `level` (true for loggers that cannot tell). */
export function logsAt(logger: Logger, level: LogLevel): boolean {
  return logger instanceof JsonLogger ? LEVELS[level] >= logger.min : logger instanceof LimitedLogger ? logsAt(logger.parentLogger, level) : true;
}

/** The JSON logger: prototype methods, so a child (one per connection that logs) is one small object. */
class JsonLogger implements Logger {
  constructor(readonly min: number, private readonly sink: LogSink, private readonly base: LogFields) {}

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.min, this.sink, { ...this.base, ...fields });
  }

  private write(lvl: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[lvl] < this.min) return;
    const entry = { time: new Date().toISOString(), level: lvl, msg: redact(msg), ...(redact({ ...this.base, ...fields }) as LogFields) };
    this.sink(JSON.stringify(entry));
  }
}

/** A logger that drops everything (for tests and benches). */
export const silentLogger: Logger = createLogger('silent');

/**
 * Limit warn and error lines of `logger` to `max` each per `windowMs` (a client flooding bad frames or failing actions
 * cannot flood the log); a summary line per level reports what was suppressed.
 */
export function limitWarnings(logger: Logger, max = 20, windowMs = 10_000, onLine?: LineObserver): Logger {
  return new LimitedLogger(logger, undefined, { max, windowMs, onLine });
}

/**
 * `limitWarnings(parent.child(fields), …)`, with the child made on the first line: a connection's logger costs one
 * small object until the connection logs something (most never do).
 */
export function limitedChild(parent: Logger, fields: LogFields, onLine?: LineObserver): Logger {
  return new LimitedLogger(parent, fields, limitsFor(onLine));
}

/** Sees every warn and error call of a limited logger, written or suppressed (metrics count them all). */
export type LineObserver = (level: 'warn' | 'error', fields: LogFields | undefined) => void;

/** How many warn and error lines a limited logger writes per window, and who sees every one. */
interface LogLimits {
  readonly max: number;
  readonly windowMs: number;
  readonly onLine: LineObserver | undefined;
}

/** The default limits (20 lines each per 10 s), one object per observer: shared by every connection's logger. */
const DEFAULT_LIMITS: LogLimits = { max: 20, windowMs: 10_000, onLine: undefined };
const observedLimits = new WeakMap<LineObserver, LogLimits>();

function limitsFor(onLine: LineObserver | undefined): LogLimits {
  if (!onLine) return DEFAULT_LIMITS;
  let limits = observedLimits.get(onLine);
  if (!limits) observedLimits.set(onLine, (limits = { ...DEFAULT_LIMITS, onLine }));
  return limits;
}

/** A level's window: lines written in it, lines suppressed, when it began. */
interface Budget {
  windowStart: number;
  count: number;
  suppressed: number;
}

/** The limited logger: prototype methods and lazily made state, since one exists per connection. */
class LimitedLogger implements Logger {
  private inner: Logger | undefined;
  private warnBudget: Budget | undefined;
  private errorBudget: Budget | undefined;

  constructor(
    private readonly parent: Logger,
    /** Fields of the child made on first use; undefined: log through `parent` itself. */
    private readonly fields: LogFields | undefined,
    private readonly limits: LogLimits,
  ) {
    if (fields === undefined) this.inner = parent;
  }

  debug(msg: string, fields?: LogFields): void {
    // A debug line the level drops must not make the child (every subscribe logs one).
    if (this.inner || logsAt(this.parent, 'debug')) this.logger.debug(msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    if (this.inner || logsAt(this.parent, 'info')) this.logger.info(msg, fields);
  }

  /** The logger this one limits (or makes its child of). */
  get parentLogger(): Logger {
    return this.parent;
  }

  warn(msg: string, fields?: LogFields): void {
    this.limited('warn', (this.warnBudget ??= { windowStart: 0, count: 0, suppressed: 0 }), msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.limited('error', (this.errorBudget ??= { windowStart: 0, count: 0, suppressed: 0 }), msg, fields);
  }

  child(fields: LogFields): Logger {
    return new LimitedLogger(this.logger.child(fields), undefined, this.limits);
  }

  private get logger(): Logger {
    return (this.inner ??= this.parent.child(this.fields as LogFields));
  }

  private limited(level: 'warn' | 'error', b: Budget, msg: string, fields: LogFields | undefined): void {
    const { max, windowMs, onLine } = this.limits;
    onLine?.(level, fields);
    const now = Date.now();
    if (now - b.windowStart >= windowMs) {
      if (b.suppressed > 0) this.logger[level](`${level} lines suppressed`, { code: 'CABLE_LOG_SUPPRESSED', suppressed: b.suppressed });
      b.windowStart = now;
      b.count = 0;
      b.suppressed = 0;
    }
    if (b.count < max) {
      b.count += 1;
      this.logger[level](msg, fields);
    } else b.suppressed += 1;
  }
}
