import { decodeCommand, encodeData, encodeDisconnect, encodePing, encodeSubscriptionFrame, encodeWelcome, IGNORED, quoteIdentifier } from '../../src/protocol/codec';
import { ProtocolError } from '../../src/errors';

describe('decodeCommand', () => {
  it('decodes subscribe, unsubscribe and message commands', () => {
    expect(decodeCommand('{"command":"subscribe","identifier":"{\\"channel\\":\\"A\\"}"}')).toEqual({ command: 'subscribe', identifier: '{"channel":"A"}' });
    expect(decodeCommand('{"command":"unsubscribe","identifier":"x"}')).toEqual({ command: 'unsubscribe', identifier: 'x' });
    expect(decodeCommand('{"command":"message","identifier":"x","data":"{}"}')).toEqual({ command: 'message', identifier: 'x', data: '{}' });
  });

  it('ignores the Powernode UI keepalive {"type":"ping"}', () => {
    expect(decodeCommand('{"type":"ping"}')).toBe(IGNORED);
  });

  it.each([
    ['{bad', 'CABLE_MALFORMED_COMMAND'],
    ['[1]', 'CABLE_MALFORMED_COMMAND'],
    ['"str"', 'CABLE_MALFORMED_COMMAND'],
    ['null', 'CABLE_MALFORMED_COMMAND'],
    ['{"identifier":"x"}', 'CABLE_MALFORMED_COMMAND'],
    ['{"command":5}', 'CABLE_MALFORMED_COMMAND'],
    ['{"command":"explode","identifier":"x"}', 'CABLE_UNKNOWN_COMMAND'],
    ['{"command":"subscribe"}', 'CABLE_MALFORMED_COMMAND'],
    ['{"command":"subscribe","identifier":{"channel":"A"}}', 'CABLE_MALFORMED_COMMAND'],
    ['{"command":"message","identifier":"x","data":{"a":1}}', 'CABLE_MALFORMED_COMMAND'],
    ['{"command":"history","identifier":"x"}', 'CABLE_MALFORMED_COMMAND'],
  ])('rejects %s with %s', (raw, code) => {
    expect(() => decodeCommand(raw, { ext: true })).toThrow(ProtocolError);
    try {
      decodeCommand(raw, { ext: true });
    } catch (err) {
      expect((err as ProtocolError).code).toBe(code);
    }
  });

  it('decodes ext-protocol history requests', () => {
    expect(decodeCommand('{"command":"history","identifier":"x","history":{"since":100,"streams":{"s":{"offset":3,"epoch":"e"}}}}', { ext: true })).toEqual({
      command: 'history',
      identifier: 'x',
      history: { since: 100, streams: { s: { offset: 3, epoch: 'e' } } },
    });
  });
});

describe('decodeCommand on the plain protocol (what Rails understands)', () => {
  it.each(['{"command":"ping"}', '{"command":"pong"}', '{"command":"history","identifier":"x","history":{"since":100}}'])('treats %s as an unknown command', (raw) => {
    expect(() => decodeCommand(raw)).toThrow(expect.objectContaining({ code: 'CABLE_UNKNOWN_COMMAND' }));
    expect(decodeCommand(raw, { ext: true })).toMatchObject({ command: JSON.parse(raw).command });
  });

  it('ignores a history field on subscribe', () => {
    const raw = '{"command":"subscribe","identifier":"x","history":{"since":100}}';
    expect(decodeCommand(raw)).toEqual({ command: 'subscribe', identifier: 'x' });
    expect(decodeCommand(raw, { ext: true })).toEqual({ command: 'subscribe', identifier: 'x', history: { since: 100 } });
  });
});

describe('encoders', () => {
  it('produces Rails frames byte for byte, keys in Rails order', () => {
    expect(encodeWelcome()).toBe('{"type":"welcome"}');
    expect(encodePing(1724312345.9)).toBe('{"type":"ping","message":1724312345}');
    expect(encodeDisconnect('unauthorized', false)).toBe('{"type":"disconnect","reason":"unauthorized","reconnect":false}');
    const q = quoteIdentifier('{"channel":"ChatChannel","id":42}');
    expect(encodeSubscriptionFrame(q, 'confirm_subscription')).toBe('{"identifier":"{\\"channel\\":\\"ChatChannel\\",\\"id\\":42}","type":"confirm_subscription"}');
    expect(encodeData(q, '{"text":"hi"}')).toBe('{"identifier":"{\\"channel\\":\\"ChatChannel\\",\\"id\\":42}","message":{"text":"hi"}}');
  });

  it('round-trips identifiers with unicode and escapes exactly', () => {
    const id = '{"channel":"Chat","room":"é\\u2028\\"q\\""}';
    const frame = JSON.parse(encodeSubscriptionFrame(quoteIdentifier(id), 'reject_subscription')) as { identifier: string };
    expect(frame.identifier).toBe(id);
  });

  it('adds the session id and restore fields for the ext protocol', () => {
    expect(encodeWelcome('abc')).toBe('{"type":"welcome","sid":"abc"}');
    expect(JSON.parse(encodeWelcome('abc', ['x']))).toEqual({ type: 'welcome', sid: 'abc', restored: true, restored_ids: ['x'] });
  });
});
