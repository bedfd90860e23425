// Launches Debian's Chromium (never a downloaded browser) through
// playwright-core. Playwright's launch() gives every browser a fresh,
// temporary user-data-dir and deletes it on close.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.RAFTLAB_CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying hosts that
// this machine's closed network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
