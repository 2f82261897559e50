// Child processes of a bench run: spawns servers and load-generator workers with the tsx loader, reads their
// stdout line by line, and kills every child still alive when the run ends, fails or is interrupted.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** The repository root (children run from here so `--import tsx` resolves). */
export const ROOT = path.resolve(__dirname, '..');

const live = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];

/** Run `fn` when the run ends (after the children are killed), e.g. to remove a temporary database. */
export function onExit(fn: () => void): void {
  cleanups.push(fn);
}

/** Kill every child still running (SIGKILL: a run that is over must not leave servers behind), then clean up. */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      // best effort: never mask the run's own outcome
    }
  }
}

/** Install exit and signal handlers that kill the children. */
export function killChildrenOnExit(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function track<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** A server child with a line reader over its stdout and the tail of its stderr. */
export interface ServerChild {
  child: ChildProcess;
  pid: number;
  /** Next stdout line starting with `prefix` (prefix removed), or reject after `timeoutMs` or when the child exits. */
  nextLine(prefix: string, timeoutMs: number): Promise<string>;
  stderrTail(): string;
}

/** Spawn `node --import tsx [nodeArgs] script [args]` with a line reader on stdout. */
export function spawnServer(script: string, args: string[], nodeArgs: string[], env: NodeJS.ProcessEnv): ServerChild {
  const child = track(spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const tail: string[] = [];
  readline.createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => tail.push(l) > 20 && tail.shift());
  const waiters: Array<{ prefix: string; resolve(line: string): void }> = [];
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.prefix));
    const waiter = i >= 0 ? waiters.splice(i, 1)[0] : undefined;
    waiter?.resolve(line.slice(waiter.prefix.length));
  });
  const nextLine = (prefix: string, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script}: no "${prefix.trim()}" line within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
      const onExit = () => reject(new Error(`${script} exited (${child.exitCode ?? child.signalCode})\n${tail.join('\n')}`));
      child.once('exit', onExit);
      waiters.push({ prefix, resolve: (line) => (clearTimeout(timer), child.off('exit', onExit), resolve(line)) });
    });
  return { child, pid: child.pid as number, nextLine, stderrTail: () => tail.join('\n') };
}

/** Fork a TypeScript module with IPC (structured-clone serialization, so typed arrays travel as such). */
export function forkWorker(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildProcess {
  return track(fork(path.join(ROOT, script), [], { cwd: ROOT, env, execArgv: ['--import', 'tsx', ...nodeArgs], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}
