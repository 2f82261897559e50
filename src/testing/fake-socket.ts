// FakeTransport: a Transport that records every frame a connection writes (decoded on demand), for connection and
// channel tests without sockets.

import type { Transport } from '../connection/connection';
import type { PreparedFrame } from '../hub/hub';

/** Records frames and the close code. */
export class FakeTransport implements Transport {
  readonly frames: string[] = [];
  closedWith: number | undefined;
  protocol = 'actioncable-v1-json';
  bufferedAmount = 0;

  send(text: string): void {
    if (this.closedWith === undefined) this.frames.push(text);
  }

  sendFrame(frame: PreparedFrame): void {
    this.send(frame.text);
  }

  close(code: number): void {
    this.closedWith ??= code;
  }

  paused = false;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Every frame decoded as JSON. */
  get messages(): Array<Record<string, unknown>> {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
  }
}
