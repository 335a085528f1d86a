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

/**
 * One change made inside `page` and timed there, from the change event to the first frame
 * after the page is no longer busy (main's aria-busy back to false), in ms; the driver's round
 * trips are not counted. `act`: `{ click }` (a selector), or a select and its `value`, the
 * select given as `{ select }` (a selector), `{ column }` (the mapping row of that header) or
 * `{ role }` (the mapping row of that role). Both ends are marked in a DevTools trace
 * (`console.timeStamp`: `change`, `shown`). `null` when there is nothing to change.
 */
export function timeChange(page, act) {
  return page.evaluate(async (act) => {
    const main = document.querySelector('main');
    const rows = [...document.querySelectorAll('.mapping-table tbody tr')];
    const select = act.select ? document.querySelector(act.select)
      : act.column ? rows.find((tr) => tr.querySelector('th')?.textContent === act.column)?.querySelector('select')
        : act.role ? rows.find((tr) => tr.dataset.role === act.role)?.querySelector('select') : null;
    const button = act.click ? document.querySelector(act.click) : null;
    if (!select && !button) return null;
    console.timeStamp('change');
    const t0 = performance.now();
    let busy = false;
    const seen = new MutationObserver(() => { busy ||= main.getAttribute('aria-busy') === 'true'; });
    seen.observe(main, { attributes: true, attributeFilter: ['aria-busy'] });
    if (button) button.click();
    else {
      select.value = act.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
    await new Promise((done) => {
      const check = () => (busy && main.getAttribute('aria-busy') === 'false' ? done() : setTimeout(check, 1));
      check();
    });
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    seen.disconnect();
    console.timeStamp('shown');
    return performance.now() - t0;
  }, act);
}
