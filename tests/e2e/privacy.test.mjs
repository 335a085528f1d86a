// Nothing leaves the page: a whole session (the sample, an upload of three files, a GBK file
// that brings in the formats worker, a period change, the CSV and JSON exports, a snapshot, a
// share link, and the offline cache's own fetches) asks this origin only, and
// the Content-Security-Policy in index.html refuses nothing the page needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fixtures, newContext, server, settled, waitStatus } from './harness.mjs';

test('a whole session asks this origin only, and the CSP holds', async (t) => {
  const context = await newContext(t);
  const page = await context.newPage();
  const asked = [];
  context.on('request', (r) => asked.push(r.url()));
  page.on('worker', (w) => asked.push(`worker ${w.url()}`));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(server.url);
  await page.waitForSelector('#kpi-cards');
  await settled(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /connect-src 'self'/);
  await page.setInputFiles('#file-input', ['deals.csv', 'activities.csv', 'tickets.csv'].map((f) => path.join(fixtures, 'catalogue', f)));
  await waitStatus(page, 'deals.csv');
  await page.setInputFiles('#file-input', path.join(fixtures, 'wukong_商机_gbk_note_row.csv'));
  await waitStatus(page, 'wukong');
  await page.selectOption('#period', { index: 2 });
  await settled(page);
  await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  await page.click('#save-snapshot');
  await page.click('#copy-link');
  await page.waitForSelector('#share-link');
  const origin = new URL(server.url).origin;
  const foreign = asked.filter((u) => !u.startsWith(origin) && !u.startsWith(`worker ${origin}`)
    && !u.startsWith('blob:') && !u.startsWith('worker blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'every request went to this origin');
  assert.ok(asked.some((u) => u.endsWith('/formats_bg.wasm')), 'the session did reach the formats worker');
  assert.deepEqual(await page.evaluate(() => window.violations), [], 'the CSP refused nothing');
  assert.deepEqual(errors, [], 'no page errors');
  // The page's module is fetched by the page and, from the cache, by its worker.
  const modules = server.requests.filter((p) => /^\/app-[0-9a-f]{8,}_bg\.wasm$/.test(p));
  assert.equal(modules.length, 1, `the module was fetched once, not ${modules.length} times`);
});
