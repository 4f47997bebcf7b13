import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (tools/browser/ensure-chromium.sh installs it); no browser download. */
export const CHROMIUM = '/usr/bin/chromium';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Headless chromium with its own profile directory (removed by the caller). */
export function launchChromium(profile: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run tools/browser/ensure-chromium.sh (CI does)`);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
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
    viewport: { width: 1400, height: 1800 },
  });
}

/** The local time (UTC+7) of an instant as the dashboard writes it in both languages: dd/mm/yyyy and HH:mm:ss. */
export function localParts(iso: string): { date: string; time: string } {
  const l = new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString();
  return { date: `${l.slice(8, 10)}/${l.slice(5, 7)}/${l.slice(0, 4)}`, time: l.slice(11, 19) };
}
