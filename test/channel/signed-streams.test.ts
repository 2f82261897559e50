// The stream-name verifier (src/channel/signed-streams.ts): Rails MessageVerifier (SHA256, JSON serializer) round
// trips, AnyCable's documented example, and everything that must not verify.

import { createHmac } from 'node:crypto';
import { signMessage, signStreamName, verifyMessage, verifySignedStreamName } from '../../src/channel/index';

const SECRET = 'a-streams-secret-of-some-length';

/** AnyCable's documented JavaScript version of the algorithm (docs/signed_streams.md), written out independently. */
function anycableSign(secret: string, name: string): string {
  const encoded = Buffer.from(JSON.stringify(name)).toString('base64');
  return `${encoded}--${createHmac('sha256', secret).update(encoded).digest('hex')}`;
}

describe('signStreamName / verifySignedStreamName', () => {
  it.each([
    ['chat/42', 'chat/42'],
    ['one character', 'a'],
    ['a GlobalID name', 'notifications:Z2lkOi8vYXBwL1VzZXIvMQ'],
    ['non-ASCII', 'ünïcödé ☃ 𝄞'],
    ['quotes, backslashes, newlines', 'quote " and \\ and\nnewline'],
    ['1024 characters', 'x'.repeat(1024)],
  ])(
    'round trips %s',
    (_label, name) => {
      const signed = signStreamName(SECRET, name);
      expect(signed).toBe(anycableSign(SECRET, name));
      expect(verifySignedStreamName(SECRET, signed)).toEqual({ ok: true, value: name });
    },
  );

  it('produces what Rails produces for "chat/42" (base64 of the JSON string, "--", hex HMAC-SHA256 of that)', () => {
    // ActiveSupport::MessageVerifier.new("x" * 32, digest: "SHA256", serializer: JSON).generate("chat/42")
    expect(signStreamName('x'.repeat(32), 'chat/42')).toBe('ImNoYXQvNDIi--f471fdccea22fb91362d45836c54ad9c51a5e89a5ca829295e74e0d6aac4cb85');
  });

  it('refuses a tampered digest, a tampered payload and a digest in upper case', () => {
    const signed = signStreamName(SECRET, 'chat/42');
    const [data, digest] = signed.split('--') as [string, string];
    const flipped = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`;
    expect(verifySignedStreamName(SECRET, `${data}--${flipped}`)).toEqual({ ok: false, reason: 'bad_digest' });
    const other = Buffer.from(JSON.stringify('chat/43')).toString('base64');
    expect(verifySignedStreamName(SECRET, `${other}--${digest}`)).toEqual({ ok: false, reason: 'bad_digest' });
    expect(verifySignedStreamName(SECRET, `${data}--${digest.toUpperCase()}`)).toEqual({ ok: false, reason: 'bad_digest' });
  });

  it('refuses a name signed with another secret', () => {
    expect(verifySignedStreamName(SECRET, signStreamName('another-secret-of-some-length', 'chat/42'))).toEqual({ ok: false, reason: 'bad_digest' });
  });

  it('refuses a correctly signed value that is not a string', () => {
    for (const value of [42, null, true, ['chat/42'], { stream: 'chat/42' }]) {
      const signed = signMessage(SECRET, value);
      expect(verifyMessage(SECRET, signed)).toEqual({ ok: true, value });
      expect(verifySignedStreamName(SECRET, signed)).toEqual({ ok: false, reason: 'not_a_string' });
    }
  });

  it('refuses a correctly signed payload that is not strict base64 of JSON', () => {
    const sign = (encoded: string) => `${encoded}--${createHmac('sha256', SECRET).update(encoded).digest('hex')}`;
    expect(verifySignedStreamName(SECRET, sign(Buffer.from('not json').toString('base64')))).toEqual({ ok: false, reason: 'bad_payload' });
    expect(verifySignedStreamName(SECRET, sign('ImNoYXQvNDIi'.replace('I', '_')))).toEqual({ ok: false, reason: 'bad_payload' });
    expect(verifySignedStreamName(SECRET, sign('ImNoYXQvNDIi'.slice(0, -1)))).toEqual({ ok: false, reason: 'bad_payload' });
  });

  it.each([
    ['empty', ''],
    ['no separator', 'ImNoYXQvNDIi'],
    ['no data', `--${'0'.repeat(64)}`],
    ['short digest', 'ImNoYXQvNDIi--abc'],
    ['three parts', `ImNoYXQvNDIi--x--${'0'.repeat(64)}`],
    ['garbage', '%%%--%%%'],
    ['multi-byte digest', `ImNoYXQvNDIi--${'é'.repeat(64)}`],
    ['a huge string', 'A'.repeat(100_000)],
  ])('refuses %s', (_label, signed) => {
    expect(verifySignedStreamName(SECRET, signed).ok).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['x']])('refuses the non-string %j', (signed) => {
    expect(verifySignedStreamName(SECRET, signed)).toEqual({ ok: false, reason: 'malformed' });
  });
});
