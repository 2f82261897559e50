// Sending one burst and judging the socket afterwards: a long-lived socket must still be open and answer a fresh
// valid subscribe; a throwaway socket (fatal bursts: invalid UTF-8, oversize, pre-welcome) may only be closed with
// the codes the README documents (1007/1002 framing, 1009 too big), never abnormally (1006) or with 1011.

import type { FuzzBurst } from './frames';
import { FuzzSocket, specLabel, type CloseInfo, type SocketSpec } from './fuzz-socket';

/** Close codes a fatal burst may legitimately cause. */
export const EXPECTED_FATAL_CLOSES: ReadonlySet<number> = new Set([1000, 1002, 1007, 1009]);

/** The state of a socket after a burst. */
export interface Verdict {
  /** Undefined when all is well. */
  problem?: string;
  /** Round trip of the probe subscribe, ms. */
  probeMs: number;
}

/** Send every frame of `burst` (paced) while the socket is open. */
export async function sendBurst(socket: FuzzSocket, burst: FuzzBurst): Promise<void> {
  for (const frame of burst.frames) {
    if (!socket.isOpen) return;
    await socket.send(frame);
  }
}

function describeClose(info: CloseInfo | undefined): string {
  if (!info) return 'closed';
  return `closed with ${info.code}${info.reason ? ` "${info.reason}"` : ''}${info.disconnect ? ` after ${JSON.stringify(info.disconnect)}` : ''}`;
}

/** A long-lived socket is still open and confirms a fresh subscribe (after freeing its slots if it was full). */
export async function verifySocket(socket: FuzzSocket, timeoutMs = 5000): Promise<Verdict> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (!socket.isOpen) return { problem: `${specLabel(socket.spec)} ${describeClose(socket.closeInfo)}`, probeMs: elapsed() };
  let outcome = await socket.probe(timeoutMs);
  if (outcome === 'rejected') {
    // A storm may have used every subscription or stream slot: free them and ask again.
    socket.releaseAll();
    outcome = await socket.probe(timeoutMs);
  }
  if (outcome === 'confirmed') return { probeMs: elapsed() };
  const what = outcome === 'closed' ? describeClose(socket.closeInfo) : outcome === 'timeout' ? `no answer to a valid subscribe within ${timeoutMs} ms` : 'a valid subscribe was rejected';
  return { problem: `${specLabel(socket.spec)} ${what}`, probeMs: elapsed() };
}

/** Run a fatal burst on a fresh socket of `spec`; returns a problem when the server ended it in an undocumented way. */
export async function runThrowaway(url: string, spec: SocketSpec, burst: FuzzBurst, ratePerSecond: number): Promise<{ code: number | null; problem?: string }> {
  let socket: FuzzSocket;
  try {
    socket = await FuzzSocket.open(url, spec, { ratePerSecond, early: burst.preWelcome ? burst.frames : undefined });
  } catch (err) {
    // Refused before the welcome: documented for frames above the pre-authentication limit.
    const code = (err as { closeCode?: number }).closeCode ?? -1;
    return burst.preWelcome && EXPECTED_FATAL_CLOSES.has(code) ? { code } : { code, problem: (err as Error).message };
  }
  if (!burst.preWelcome) await sendBurst(socket, burst);
  // Either the server closes the socket, or it is still served: wait for whichever comes first.
  const verdict = await verifySocket(socket, 3000);
  const code = socket.closeInfo ? socket.closeInfo.code : null;
  await socket.close();
  if (code === null) return { code, problem: verdict.problem };
  return EXPECTED_FATAL_CLOSES.has(code) ? { code } : { code, problem: `${specLabel(spec)} fatal burst ${describeClose(socket.closeInfo)}` };
}
