// Headless Chromium for the browser suites: Debian's `chromium` package (never a downloaded browser), driven by
// playwright-core. Without it the suites are skipped locally and fail under CI=true (.ci/run installs it with apt).

import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The browser binary (CHROMIUM_PATH overrides Debian's). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const available = fs.existsSync(CHROMIUM);

/** `describe` when Chromium is installed; otherwise skipped, or one failing test under CI=true. */
export function describeBrowser(name: string, fn: () => void): void {
  if (available) return describe(name, fn);
  if (process.env.CI === 'true' || process.env.CI === '1') {
    return describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`);
      });
    });
  }
  describe.skip(`${name} (no ${CHROMIUM}: apt-get install -y chromium)`, fn);
}

/** Launch headless Chromium. */
export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
