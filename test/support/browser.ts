import { appendFileSync, existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` when Chromium is installed; otherwise a skipped block that says so (an error under REQUIRE_SERVICES). */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) return describe(name, fn);
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(
      `${name}: no Chromium at ${CHROMIUM} but REQUIRE_SERVICES=1 (apt-get install -y chromium)`,
    );
  }
  const file = process.env.CHAT_SKIP_LOG;
  if (file)
    appendFileSync(file, `${name} [chromium]: ${CHROMIUM} is missing (apt-get install -y chromium)\n`);
  describe.skip(`${name} (needs Chromium)`, () => it('is skipped', () => undefined));
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
