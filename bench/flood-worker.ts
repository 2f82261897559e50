// The attacker of the `abuse` scenario, in a process of its own (so its sending does not disturb the bystander's
// measurements): one WebSocket that sends `perSecond` frames of `bytes` bytes of `[` for `seconds`, then reports
// how many it sent and whether the server kept its socket open.

import WebSocket from 'ws';

/** Orchestrator → flood worker. */
export interface FloodRequest {
  url: string;
  perSecond: number;
  bytes: number;
  seconds: number;
}

/** Flood worker → orchestrator. */
export interface FloodReport {
  sent: number;
  /** Whether the socket was still open at the end (the server drops such frames but keeps the connection). */
  open: boolean;
  closeCode?: number;
}

process.once('message', (req: FloodRequest) => {
  const ws = new WebSocket(req.url);
  const frame = Buffer.alloc(req.bytes, '[');
  let sent = 0;
  let closeCode: number | undefined;
  ws.on('close', (code) => (closeCode = code));
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    if (!String(data).includes('"welcome"')) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started >= req.seconds * 1000 || ws.readyState !== WebSocket.OPEN) {
        clearInterval(timer);
        const report: FloodReport = { sent, open: ws.readyState === WebSocket.OPEN, closeCode };
        process.send?.(report, () => process.exit(0));
        return;
      }
      ws.send(frame);
      sent += 1;
    }, 1000 / req.perSecond);
  });
});
