/**
 * Headless Chromium for the tests of self-contained HTML pages (Debian's /usr/bin/chromium,
 * installed by scripts/prereqs.sh, driven by playwright-core).
 */
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * launchChromium starts headless Chromium with a fresh profile in `<dir>/profile` (passed
 * as --user-data-dir); the network stays quiet (no QUIC, sync, updates or background
 * requests). Close the context when done.
 */
export function launchChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
