// Not a test: a measurement. Where the page's own time goes when a person changes something on
// loaded data: loads FILE through the built page (dist/, or DIST=) in headless Chromium, then
// makes each change (periods, a stage, the language, the stage column left unused and given
// back) under a DevTools timeline trace and prints
// the main thread's tasks of 2 ms or more, each with what it spent its time on: the worker's
// answer handled (its decoding and the render, under HandlePostMessage), style, layout and
// paint. The worker's own time is not in it: load-profile.mjs prints that.
//   node tests/e2e/change-trace.mjs FILE [QUERY]    (after trunk build --release)
import path from 'node:path';
import { openPage } from './profile-page.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/e2e/change-trace.mjs FILE [QUERY]');
  process.exit(2);
}
const { page, idle, close } = await openPage(process.argv[3] || '?period=all');
await page.setInputFiles('#file-input', file);
await page.waitForFunction((name) => (document.querySelector('#load-status')?.textContent || '').includes(name),
  path.basename(file), { timeout: 300_000 });
await idle();
// The worker walks ahead after a load: let it finish, so that the changes find it idle.
await page.waitForTimeout(1500);
const cdp = await page.context().newCDPSession(page);
const months = await page.$$eval('#period option', (os) => os.map((o) => o.value).filter((v) => /^\d{4}-\d{2}$/.test(v)));
const changes = [
  ['#period', months[0]], ['#period', months[1]], ['#period', 'all'], ['#stage', 'mature'],
  ['#lang-zh'], ['#lang-en'], ['stage', ''], ['stage', 'stage'],
];
// The stage column's header: once the column is left unused, its row is found by it.
const stageTh = page.locator('.mapping-table tbody tr[data-role="stage"] th');
const stageColumn = (await stageTh.count()) ? await stageTh.textContent() : null;
for (const [selector, value] of changes) {
  const events = [];
  const collect = (d) => events.push(...d.value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  await page.waitForTimeout(100);
  if (value === undefined) await page.click(selector);
  else if (!selector.startsWith('#')) {
    if (stageColumn === null) continue;
    await page.locator('.mapping-table tbody tr').filter({ has: page.locator('th', { hasText: stageColumn }) })
      .locator('select').selectOption(value);
  } else await page.selectOption(selector, value);
  await page.waitForTimeout(30);
  await idle();
  await page.waitForTimeout(400);
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', collect);
  // The page's main thread is the one that lays out.
  const main = events.find((e) => e.name === 'Layout')?.tid;
  const complete = events.filter((e) => e.tid === main && e.ph === 'X' && e.dur);
  const tasks = complete.filter((e) => e.name === 'RunTask' && e.dur >= 2000);
  const total = tasks.reduce((sum, t) => sum + t.dur, 0) / 1000;
  const what = selector.startsWith('#') ? selector : `mapping: “${stageColumn}”`;
  console.log(`${what}${value === undefined ? '' : ` → ${value || 'unused'}`}: ${tasks.length} tasks of 2 ms or more, ${total.toFixed(1)} ms`);
  for (const t of tasks) {
    const inside = complete.filter((e) => e.name !== 'RunTask' && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur);
    const by = new Map();
    for (const e of inside) by.set(e.name, (by.get(e.name) || 0) + e.dur / 1000);
    const top = [...by.entries()].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 0.3).slice(0, 6);
    console.log(`  ${(t.dur / 1000).toFixed(1).padStart(5)} ms: ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
  }
  const layouts = complete.filter((e) => e.name === 'Layout')
    .map((e) => `${(e.dur / 1000).toFixed(1)} ms (${e.args?.beginData?.dirtyObjects} of ${e.args?.beginData?.totalObjects} objects)`);
  console.log(`  layouts: ${layouts.join(', ')}`);
}
await close();
