// A private redis-server child process for outage tests (kill it, start it again on the same port).

import { spawn, type ChildProcess } from 'node:child_process';
import { isPortOpen } from './services';
import { sleep } from './wait';

/** Start a throwaway redis-server on `port` (no persistence); resolves once it accepts connections. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 5000;
  while (!(await isPortOpen(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
    await sleep(20);
  }
  return child;
}

/** Kill a child process and wait for it to exit. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
