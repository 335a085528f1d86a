// Not a test: a measurement. Loads one file through the built page (dist/) in headless
// Chromium and prints how long the load took, every main-thread task over 50 ms (the Long
// Tasks API), the renderer's memory before and at its peak (VmRSS of Chromium's renderer
// processes, sampled every 20 ms), and how long a stage, a period and a goal change take on
// the loaded data, a change of language and changes of columns' meanings.
//   node tests/e2e/load-profile.mjs FILE [QUERY]   (after trunk build --release; QUERY: page
//   settings such as ?period=all; DIST=: another build's dist; ROLES=: the columns remapped)
import fs from 'node:fs';
import path from 'node:path';
import { openPage, timeChange } from './profile-page.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/e2e/load-profile.mjs FILE');
  process.exit(2);
}
const { page, idle, close } = await openPage(process.argv[3] || '');

const renderers = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer'); } catch { return false; }
});
const rssKb = () => renderers().reduce((sum, p) => {
  try { return sum + Number(fs.readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]); } catch { return sum; }
}, 0);
const before = rssKb();
let peak = before;
// [ms since sampling began, MB over `before`] every 20 ms.
const timeline = [];
const t00 = Date.now();
const sampler = setInterval(() => {
  const now = rssKb();
  timeline.push([Date.now() - t00, Math.round((now - before) / 1024)]);
  peak = Math.max(peak, now);
}, 20);
const watchLongTasks = () => page.evaluate(() => {
  window.longTasks = [];
  window.longTaskObserver?.disconnect();
  window.longTaskObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longTasks.push(Math.round(e.duration));
  });
  window.longTaskObserver.observe({ type: 'longtask' });
});

await watchLongTasks();
const t0 = Date.now();
await page.setInputFiles('#file-input', file);
await page.waitForFunction((name) => (document.querySelector('#load-status')?.textContent || '').includes(name),
  path.basename(file), { timeout: 300_000 });
await idle();
const loadMs = Date.now() - t0;
await page.waitForTimeout(300);
clearInterval(sampler);
const mb = (kb) => Math.round(kb / 1024);
console.log(`${path.basename(file)}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
console.log(`  loaded in ${loadMs} ms: ${await page.locator('#load-status').textContent()}`);
console.log(`  main-thread tasks over 50 ms: ${JSON.stringify(await page.evaluate(() => window.longTasks))}`);
console.log(`  renderer memory: ${mb(before)} MB before, ${mb(peak)} MB at the peak (+${mb(peak - before)} MB)`);
console.log(`  over the load (ms: +MB, every 100 ms): ${timeline.filter((_, i) => i % 5 === 0).map(([t, m]) => `${t}: ${m}`).join(', ')}`);

// Each change is made inside the page and timed there (`timeChange`).
const change = async (act) => {
  const ms = await timeChange(page, act);
  return ms === null ? null : Math.round(ms);
};
const timed = async (what, act) => {
  await watchLongTasks();
  const ms = await change(act);
  if (ms === null) return;
  await idle();
  // The worker's own time for the request, as the page's status line shows it.
  const worker = (await page.locator('#load-status .ms').textContent().catch(() => '')).replace(/[^\d,]/g, '');
  console.log(`  ${what}: on screen in ${ms} ms (worker ${worker} ms); tasks over 50 ms: ${JSON.stringify(await page.evaluate(() => window.longTasks))}`);
};
const months = await page.$$eval('#period option', (os) => os.map((o) => o.value).filter((v) => /^\d{4}-\d{2}$/.test(v)));
for (const [select, value] of [['#stage', 'mature'], ['#period', months[0]], ['#period', months[1]], ['#stage', 'startup']]) {
  if (value) await timed(`${select} → ${value}`, { select, value });
}
// A goal ticked and unticked again (the recommendation changes; so may the cards).
for (const what of ['ticked', 'unticked']) await timed(`goal “keep customers” ${what}`, { click: '#goal-keep_customers' });
// The other language and back, twice.
for (const lang of ['zh', 'en', 'zh', 'en']) await timed(`language → ${lang}`, { click: `#lang-${lang}` });
const sourceRow = page.locator('.mapping-table tbody tr[data-role="lead_source"] th');
// One column of a role left unused, then given back. The roles timed are the lead source's
// (only its breakdown is walked again) and the amount's (every pass is); `ROLES=` names
// others too, such as `ROLES=lead_source,amount,owner,stage,created_at,closed_at`.
const roles = (process.env.ROLES || 'lead_source,amount').split(',').filter(Boolean);
const remap = async (role, where) => {
  const row = page.locator(`.mapping-table tbody tr[data-role="${role}"] th`);
  if (!(await row.count())) return;
  const column = await row.textContent();
  await timed(`${where}mapping: “${column}” unused`, { column, value: '' });
  await timed(`${where}mapping: “${column}” → ${role}`, { column, value: role });
};
for (const role of roles) await remap(role, '');
// The whole range at once (its own pass is walked then), the same change of mapping there,
// and back to a month.
await timed('#period → all', { select: '#period', value: 'all' });
for (const role of roles) await remap(role, 'whole range, ');
if (months[0]) await timed(`#period → ${months[0]}`, { select: '#period', value: months[0] });
// As a person would: a change of mapping at a month, a second spent reading it (the worker
// walks the whole range meanwhile), then the whole range.
if (await sourceRow.count()) {
  await timed('mapping: lead source unused', { column: await sourceRow.textContent(), value: '' });
  await page.waitForTimeout(1000);
  await timed('after a second at the month: #period → all', { select: '#period', value: 'all' });
}
await close();
