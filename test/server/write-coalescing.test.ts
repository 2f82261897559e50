// WriteCoalescing: a held socket buffers every write of the current loop iteration and sends them in the check
// phase, in order, as one write; a socket is held once per iteration; a destroyed one is left alone.

import net from 'node:net';
import { WriteCoalescing } from '../../src/server/write-coalescing';

async function pair(): Promise<{ client: net.Socket; server: net.Socket; close: () => void }> {
  const listener = net.createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => listener.once('connection', r));
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const server = await accepted;
  return { client, server, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteCoalescing', () => {
  it('holds the writes of one iteration and sends them together, in order, in its check phase', async () => {
    const { client, server, close } = await pair();
    const coalescing = new WriteCoalescing();
    const writev = jest.spyOn(server as unknown as { _writev: (...a: unknown[]) => void }, '_writev');
    const write = jest.spyOn(server as unknown as { _write: (...a: unknown[]) => void }, '_write');
    const received: Buffer[] = [];
    client.on('data', (d: Buffer) => received.push(d));
    coalescing.hold(server);
    server.write('one ');
    coalescing.hold(server); // held once per iteration: one uncork is enough
    server.write('two ');
    server.write('three');
    expect(server.writableCorked).toBe(1);
    expect(coalescing.size).toBe(1);
    expect(writev).not.toHaveBeenCalled();
    await nextMacrotask();
    expect(server.writableCorked).toBe(0);
    expect(coalescing.size).toBe(0);
    expect(writev).toHaveBeenCalledTimes(1);
    expect(write).not.toHaveBeenCalled();
    while (Buffer.concat(received).length < 'one two three'.length) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(received).toString()).toBe('one two three');
    close();
  });

  it('leaves a socket destroyed meanwhile alone', async () => {
    const { server, close } = await pair();
    const coalescing = new WriteCoalescing();
    coalescing.hold(server);
    server.destroy();
    const uncork = jest.spyOn(server, 'uncork');
    await nextMacrotask();
    expect(uncork).not.toHaveBeenCalled();
    close();
  });
});
