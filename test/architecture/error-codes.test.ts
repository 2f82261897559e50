// Keeps README's error-code table in sync with src/errors.ts (Fastify's Errors.md test).

import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../src/errors';

describe('README error codes', () => {
  it('lists every ERROR_CODES key', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const missing = Object.keys(ERROR_CODES).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
