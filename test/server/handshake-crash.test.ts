// Review finding: the `upgrade` handler parses req.url with `new URL()`, which throws on an absolute-form
// request-target such as `http://[`. The throw happens inside http.Server's 'upgrade' event → uncaught
// exception → the whole process exits (reproduced against `npx tsx src/main.ts`: one unauthenticated packet
// `GET http://[ HTTP/1.1` + Upgrade headers kills the server). Fixed: requestUrl never throws and the upgrade handler catches.

import type { IncomingMessage } from 'node:http';
import { extractToken, requestUrl, restoreSid } from '../../src/server/handshake';
import { CableServer } from '../../src/server/cable-server';
import { silentLogger } from '../../src/log/logger';
import { Hub } from '../../src/hub/hub';
import { MemoryAdapter } from '../../src/pubsub/memory';

const req = (url: string) => ({ url, headers: {}, socket: {} }) as unknown as IncomingMessage;

describe('handshake with an unparsable request-target', () => {
  it('requestUrl does not throw on "http://["', () => {
    expect(() => requestUrl(req('http://['))).not.toThrow();
  });

  it('extractToken / restoreSid do not throw on "http://["', () => {
    expect(() => extractToken(req('http://['))).not.toThrow();
    expect(() => restoreSid(req('http://['))).not.toThrow();
  });

  it('CableServer.handles answers false instead of throwing (it runs inside the http "upgrade" event)', () => {
    const pubsub = new MemoryAdapter();
    const cable = new CableServer(
      { path: '/cable', allowedOrigins: [], pingIntervalMs: 60_000, maxFrameBytes: 1024, shutdownTimeoutMs: 0 },
      // Only `handles` is exercised; the connection deps beyond pub/sub and the hub are never touched.
      { logger: silentLogger, pubsub, hub: new Hub(pubsub, silentLogger) } as never,
      async () => {
        throw new Error('unused');
      },
    );
    try {
      expect(cable.handles(req('http://['))).toBe(false);
    } finally {
      void cable.shutdown();
    }
  });

  it('a relative request-target still parses (control)', () => {
    expect(requestUrl(req('/cable?token=abc')).pathname).toBe('/cable');
  });
});
