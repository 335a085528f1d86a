// Not a test: a measurement. Loads one file through the built page (dist/) in headless
// Chromium, then picks periods one after another as a person would, a pause between picks,
// and prints how long each took to reach the screen and the worker's part of it.
//   node tests/e2e/period-profile.mjs FILE [PERIOD...]
// The periods default to the first years and quarters the page lists. PAUSE= the ms between picks
// (1200; 100 to pick faster than the worker walks ahead), WAIT= the ms after the load (1500),
// DIST= another build's dist.
import path from 'node:path';
import { openPage, timeChange } from './profile-page.mjs';

const [file, ...asked] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tests/e2e/period-profile.mjs FILE [PERIOD...]');
  process.exit(2);
}
const pause = Number(process.env.PAUSE || 1200);
const { page, idle, close } = await openPage();
await page.setInputFiles('#file-input', file);
await page.waitForFunction(() => /rows/.test(document.querySelector('#load-status')?.textContent || ''),
  null, { timeout: 300_000 });
await idle();
const opened = await page.locator('#period').inputValue();
await page.waitForTimeout(Number(process.env.WAIT || 1500));
const listed = await page.$$eval('#period option', (options) => options.map((o) => o.value));
const periods = asked.length ? asked : [
  ...listed.filter((p) => /^\d{4}$/.test(p)).slice(0, 4),
  ...listed.filter((p) => /^\d{4}-Q\d$/.test(p)).slice(0, 3),
];
console.log(`${path.basename(file)}: opened on ${opened}; a pick every ${pause} ms`);
for (const period of periods) {
  if (!listed.includes(period)) {
    console.log(`  ${period}: not listed`);
    continue;
  }
  // From the change to the first frame after the answer is drawn (main's aria-busy back to false).
  const ms = Math.round(await timeChange(page, { select: '#period', value: period }));
  const worker = (await page.locator('#load-status .ms').textContent().catch(() => '')).replace(/[^\d,]/g, '');
  console.log(`  ${period}: on screen in ${ms} ms (worker ${worker} ms)`);
  await page.waitForTimeout(pause);
}
await close();
