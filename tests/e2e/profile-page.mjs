// Shared by the measurement scripts (load-profile.mjs, period-profile.mjs): the built page
// (dist/, or DIST=) served on 127.0.0.1 and opened in headless Debian Chromium, ready.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

/** The page opened at `query`, its first answer drawn; `idle()` waits for the next; `close()`. */
export async function openPage(query = '') {
  const dist = process.env.DIST || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
  const server = await serve(dist);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
  const idle = () => page.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false',
    null, { timeout: 300_000 });
  await page.goto(server.url + query);
  await page.waitForSelector('#kpi-cards');
  await idle();
  const close = async () => {
    await browser.close();
    await server.close();
  };
  return { page, idle, close };
}
