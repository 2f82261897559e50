// How action failures are logged: a client-caused failure (not found, refused, invalid data) is one warn line
// with its code and message and no stack trace; a server fault is an error line with the stack; both are limited
// per connection, so one client failing thousands of actions cannot flood the log.

import { z } from 'zod';
import { ApplicationChannel } from '../../channels/application-channel';
import { ClientError, NotFoundError } from '../../src/errors';
import { capturingLogger } from '../support/logger';
import { waitFor } from '../support/wait';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw } from '../support/ws-client';

class FailingChannel extends ApplicationChannel {
  static override channel = 'FailingChannel';
  static override accepts = 'any' as const;
  static override actions = { missing: z.looseObject({}), refused: z.looseObject({}), broken: z.looseObject({}), typed: z.object({ n: z.number() }), done: z.looseObject({}) };
  missing(): void {
    throw new NotFoundError('Execution not found');
  }
  refused(): void {
    throw new ClientError('Permission denied');
  }
  broken(): void {
    throw new Error('database exploded');
  }
  typed(): void {}
  done(): void {
    this.transmit({ done: true });
  }
}

const ID = JSON.stringify({ channel: 'FailingChannel' });
let cable: TestCable;
const log = capturingLogger();
const lines = log.lines as Array<Record<string, unknown>>;
beforeAll(async () => {
  cable = await startTestCable({ CABLE_COMMAND_RATE: '0' }, { channels: [FailingChannel], logger: log.logger });
});
afterAll(async () => {
  await cable.stop();
});

async function client() {
  const c = await openRaw(cable.urlFor(cable.userToken()));
  await c.next((f) => f.type === 'welcome');
  c.send({ command: 'subscribe', identifier: ID });
  await c.next((f) => f.type === 'confirm_subscription');
  return c;
}

const perform = (action: string, extra: Record<string, unknown> = {}) => JSON.stringify({ command: 'message', identifier: ID, data: JSON.stringify({ action, ...extra }) });

describe('action failure logging', () => {
  it('logs client-caused failures at warn with code and message, without a stack', async () => {
    const c = await client();
    const from = lines.length;
    c.send(perform('missing'));
    c.send(perform('refused'));
    c.send(perform('typed', { n: 'x' }));
    await waitFor(() => lines.slice(from).filter((l) => l.level === 'warn').length >= 3, 3000, 'three warn lines');
    const warned = lines.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
    expect(warned.map((l) => [l.level, l.code, l.reason])).toEqual([
      ['warn', 'CABLE_NOT_FOUND', 'Execution not found'],
      ['warn', 'CABLE_ACTION_REFUSED', 'Permission denied'],
      ['warn', 'CABLE_PARAMS_INVALID', expect.stringContaining('n:')],
    ]);
    expect(JSON.stringify(warned)).not.toContain('"stack"');
    c.close();
  });

  it('logs a server fault at error with its stack', async () => {
    const c = await client();
    const from = lines.length;
    c.send(perform('broken'));
    await waitFor(() => lines.slice(from).some((l) => l.level === 'error'), 3000, 'the error line');
    const line = lines.slice(from).find((l) => l.level === 'error') as { code: string; err: { message: string; stack: string } };
    expect(line.code).toBe('CABLE_CHANNEL_ERROR');
    expect(line.err.stack).toContain('database exploded');
    c.close();
  });

  it('writes at most 20 warn and 20 error lines per connection per 10 s, however many actions fail', async () => {
    const c = await client();
    const from = lines.length;
    for (let i = 0; i < 2500; i += 1) c.send(perform('missing'));
    for (let i = 0; i < 2500; i += 1) c.send(perform('broken'));
    c.send(perform('done'));
    expect((await c.next((f) => f.message !== undefined, 20_000)).message).toEqual({ done: true });
    const mine = lines.slice(from);
    expect(mine.filter((l) => l.level === 'warn').length).toBeLessThanOrEqual(20);
    expect(mine.filter((l) => l.level === 'error').length).toBeLessThanOrEqual(20);
    // Another connection still gets its own budget.
    const other = await client();
    const otherFrom = lines.length;
    other.send(perform('missing'));
    await waitFor(() => lines.slice(otherFrom).some((l) => l.code === 'CABLE_NOT_FOUND'), 3000, 'the other connection\'s line');
    c.close();
    other.close();
  }, 30_000);
});
