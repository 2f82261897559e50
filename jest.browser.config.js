// `npm run test:browser`: the end-to-end suites that drive real headless Chromium (Debian's `chromium`, through
// playwright-core) against real servers. Same transform as `npm test` (package.json "jest"); one suite at a time,
// since each runs a browser and servers of its own.

const { jest: base } = require('./package.json');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
