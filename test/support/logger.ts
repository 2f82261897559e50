// A logger for tests that keeps every JSON line it writes, so a test can assert what was logged and at which level.

import { createLogger, type Logger } from '../../src/log/logger';

/** One decoded log line. */
export interface LoggedLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A debug-level logger whose JSON lines are kept, decoded, in `lines`. */
export function capturingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return { logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as LoggedLine)), lines };
}
