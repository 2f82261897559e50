import { parseIdentifier } from '../../src/protocol/identifier';

describe('parseIdentifier', () => {
  it('returns the channel and the whole object as params', () => {
    expect(parseIdentifier('{"channel":"ChatChannel","room":"a"}')).toEqual({ channel: 'ChatChannel', params: { channel: 'ChatChannel', room: 'a' } });
  });

  it.each(['{bad', '[]', '"ChatChannel"', '{"room":"a"}', '{"channel":""}', '{"channel":5}'])('rejects %s', (raw) => {
    expect(() => parseIdentifier(raw)).toThrow(expect.objectContaining({ code: 'CABLE_INVALID_IDENTIFIER' }));
  });
});
