// exceedsDepth / parseBoundedJson: the linear nesting pre-scan run before JSON.parse on client input.

import { exceedsDepth, parseBoundedJson } from '../../src/protocol/json-depth';
import { ProtocolError } from '../../src/errors';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsDepth', () => {
  it.each([
    ['[]', 1, false],
    [nested(64), 64, false],
    [nested(65), 64, true],
    ['{"a":{"b":[1,{"c":2}]}}', 4, false],
    ['{"a":{"b":[1,{"c":2}]}}', 3, true],
    ['"[[[[[[[["', 1, false],
    ['{"a":"\\"[[[["}', 1, false],
    ['["\\\\"]', 1, false],
    ['["\\\\\\"[[["]', 1, false],
    ['[1,2]]]]][[', 1, false],
  ])('%s with max %i → %s', (text, max, expected) => {
    expect(exceedsDepth(text, max)).toBe(expected);
    expect(exceedsDepth(Buffer.from(text), max)).toBe(expected);
  });

  it('stops at the first bracket past the limit (a megabyte of `[` costs microseconds)', () => {
    const flood = Buffer.alloc(1 << 20, '[');
    const started = process.hrtime.bigint();
    expect(exceedsDepth(flood, 64)).toBe(true);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });

  it('treats multi-byte UTF-8 inside strings as opaque', () => {
    expect(exceedsDepth(Buffer.from('["é[[[", "日本"]'), 1)).toBe(false);
  });
});

describe('parseBoundedJson', () => {
  it('parses within the limit and refuses deeper text with CABLE_JSON_TOO_DEEP', () => {
    expect(parseBoundedJson('{"a":[1]}', 2)).toEqual({ a: [1] });
    expect(() => parseBoundedJson(nested(3), 2)).toThrow(ProtocolError);
    expect(() => parseBoundedJson(nested(3), 2)).toThrow(expect.objectContaining({ code: 'CABLE_JSON_TOO_DEEP' }));
  });

  it('leaves syntax errors to JSON.parse', () => {
    expect(() => parseBoundedJson('{nope', 10)).toThrow(SyntaxError);
  });
});
