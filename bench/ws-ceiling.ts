// The fan-out ceiling: the least work a Node + `ws` server can do while speaking the ActionCable shapes the bench
// uses (welcome, confirm_subscription, BenchmarkChannel's broadcast/broadcastResult/echo). One global stream, no
// auth, no channels, no pings. `--mode frame` frames each broadcast once and writes that Buffer to every raw
// socket; `--mode send` calls ws.send per subscriber. Usage: tsx bench/ws-ceiling.ts [--port 0] [--mode frame|send]

import { WebSocket, WebSocketServer } from 'ws';
import { READY_PREFIX } from './messages';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
type SenderStatic = { frame(data: Buffer, opts: FrameOptions): Buffer[] };
// ws exposes Sender at runtime; @types/ws does not declare it.
const { frame } = (WebSocket as unknown as { Sender: SenderStatic }).Sender;
const TEXT_FRAME: FrameOptions = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

/** Wire bytes of one unmasked text frame. */
export function frameOnce(text: string): Buffer {
  const parts = frame(Buffer.from(text), TEXT_FRAME);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** Start the ceiling server; resolves with its port. */
export function startCeiling(port: number, mode: 'frame' | 'send'): Promise<number> {
  const everyone = new Set<WebSocket>();
  const fanOut = (text: string) => {
    if (mode === 'send') return everyone.forEach((ws) => ws.send(text));
    const wire = frameOnce(text);
    for (const ws of everyone) (ws as unknown as { _socket: { write(b: Buffer): boolean } })._socket.write(wire);
  };
  const onCommand = (ws: WebSocket, raw: string) => {
    const cmd = safeParse(raw) as { command?: string; identifier?: string; data?: string } | undefined;
    if (!cmd || typeof cmd.identifier !== 'string') return;
    const id = JSON.stringify(cmd.identifier);
    if (cmd.command === 'subscribe') {
      everyone.add(ws);
      ws.send(`{"identifier":${id},"type":"confirm_subscription"}`);
      return;
    }
    const data = cmd.command === 'message' ? (safeParse(cmd.data ?? '') as { action?: string; payload?: unknown } | undefined) : undefined;
    const reply = (action: string) => `{"identifier":${id},"message":${JSON.stringify({ action, payload: data?.payload })}}`;
    if (data?.action === 'echo') ws.send(reply('echo'));
    if (data?.action !== 'broadcast') return;
    fanOut(reply('broadcast'));
    ws.send(reply('broadcastResult'));
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered) => (offered.has('actioncable-v1-json') ? 'actioncable-v1-json' : false),
  });
  wss.on('connection', (ws) => {
    ws.send('{"type":"welcome"}');
    ws.on('message', (data) => onCommand(ws, String(data)));
    ws.on('close', () => everyone.delete(ws));
    ws.on('error', () => undefined);
  });
  return new Promise((resolve) => wss.on('listening', () => resolve((wss.address() as { port: number }).port)));
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

if (require.main === module) {
  const mode = flag('mode', 'frame') === 'send' ? 'send' : 'frame';
  void startCeiling(Number(flag('port', '0')), mode).then((port) => {
    process.stdout.write(`${READY_PREFIX}${JSON.stringify({ port, mode, pid: process.pid })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}
