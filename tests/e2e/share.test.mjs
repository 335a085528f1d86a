// Sharing and taking the results away: a link that carries the settings (never the data), the
// JSON export, snapshots kept in the browser and compared with the next export, the printed
// review pack, exported cells that cannot run as formulas, and the page working offline.
// Figures come from tests/fixtures/catalogue (see review.test.mjs for how they are worked out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, fixtures, newContext, openApp, cardValue, settled, waitStatus } from './harness.mjs';

const files = ['deals.csv', 'activities.csv', 'tickets.csv'].map((f) => path.join(fixtures, 'catalogue', f));

async function loadThree(t, options = {}) {
  const page = await openApp(t, options);
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, 'deals.csv', { period: 'default' });
  await settled(page);
  return page;
}

async function setTarget(page, id, value) {
  const input = page.locator(`[data-kpi="${id}"] .target-input`);
  await input.fill(String(value));
  await input.press('Enter');
  await input.blur();
  await settled(page);
}

test('a shared link carries the settings, not the data, and restores them', async (t) => {
  const page = await loadThree(t);
  await page.selectOption('#stage', 'mature');
  await settled(page);
  await page.check('#goal-keep_customers');
  await settled(page);
  await page.selectOption('#period', '2024-01');
  await settled(page);
  await setTarget(page, 'win_rate', 70);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.click('#copy-link');
  await page.waitForSelector('.share-link .copied');
  const link = await page.locator('#share-link').inputValue();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  const fragment = decodeURIComponent(link.split('#')[1]);
  assert.match(fragment, /stage=mature/);
  assert.match(fragment, /goals=grow_revenue,keep_customers/);
  assert.match(fragment, /period=2024-01/);
  assert.match(fragment, /targets=win_rate:0\.7/);
  for (const fromData of ['Closed Won', 'Acme', 'deals.csv']) assert.ok(!fragment.includes(fromData), `no ${fromData} in the link`);

  // Someone else opens it: a fresh browser, nothing stored.
  const context = await newContext(t);
  const shared = await context.newPage();
  await shared.goto(link);
  await shared.waitForSelector('#kpi-cards');
  await settled(shared);
  assert.equal(await shared.locator('#stage').inputValue(), 'mature');
  assert.equal(await shared.locator('#goal-keep_customers').isChecked(), true);
  // The data comes from the person opening the link; the period applies once it is covered.
  await shared.setInputFiles('#file-input', files);
  await waitStatus(shared, 'deals.csv', { period: 'default' });
  await settled(shared);
  assert.equal(await shared.locator('#period').inputValue(), '2024-01');
  assert.equal(await shared.locator('[data-kpi="win_rate"] .target-input').inputValue(), '70');
  // January: 2 won of 3 closed, 66.7 % against a 70 % target: near it.
  assert.equal(await cardValue(shared, 'win_rate'), '66.7 %');
  assert.match(await shared.locator('[data-kpi="win_rate"] .target-status').textContent(), /near/);
});

test('the KPI results download as JSON with their comparisons', async (t) => {
  const page = await loadThree(t);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.equal(download.suggestedFilename(), 'crm-kpi-2024-02.json');
  const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.format, 'crm-kpi-kpis/1');
  assert.equal(doc.period, '2024-02');
  assert.equal(doc.previous_period, '2024-01');
  assert.deepEqual(doc.files, ['deals.csv', 'activities.csv', 'tickets.csv']);
  const win = doc.kpis.find((k) => k.id === 'win_rate');
  assert.equal(win.value, 0.6);
  assert.equal(win.previous, 2 / 3);
  assert.ok(doc.shown.includes('win_rate'));
  assert.equal(doc.kpis.find((k) => k.id === 'revenue').value, 1100);
});

test('a saved period is compared with the next one, also from a downloaded KPI table', async (t) => {
  const page = await loadThree(t);
  await page.click('#save-snapshot');
  await page.waitForSelector('.share .copied');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csvPath = path.join(artifacts, 'snapshot-2024-02.csv');
  await csv.saveAs(csvPath);
  await page.selectOption('#period', '2024-01');
  await settled(page);
  // Compare January with the February kept in the browser.
  const options = await page.locator('#compare option').allTextContents();
  assert.equal(options.length, 2);
  assert.match(options[1], /^2024-02 · \d{4}-\d{2}-\d{2} — deals\.csv, activities\.csv, tickets\.csv \(\d+\)$/);
  await page.selectOption('#compare', '0');
  const line = page.locator('[data-kpi="win_rate"] .delta.snapshot');
  // January 66.7 % against February's 60.0 %: up 6.7 points, good news for a win rate.
  assert.match(await line.textContent(), /▲ \+6\.7 pp vs snapshot 2024-02 · .* \(60\.0 %\)/);
  assert.equal(await line.getAttribute('class'), 'delta snapshot good');

  // A later visit still has it; a KPI table downloaded before works as well.
  const again = await page.context().newPage();
  await again.goto(page.url());
  await again.waitForSelector('#kpi-cards');
  await settled(again);
  assert.equal(await again.locator('#compare option').count(), 2);
  await again.setInputFiles('#snapshot-file', csvPath);
  await again.waitForFunction(() => document.querySelector('#compare').selectedOptions[0]?.textContent.includes('snapshot-2024-02.csv'));
  assert.ok(await again.locator('.delta.snapshot').count() > 0, 'the sample is compared with the file');
  // Another kind of file is refused by name.
  await again.setInputFiles('#snapshot-file', files[0]);
  await again.waitForSelector('.error');
  assert.match(await again.locator('.error').textContent(), /deals\.csv: not a KPI table downloaded from this calculator/);
});

test('the review pack prints the cards, charts and data-quality notes without the controls', async (t) => {
  const page = await loadThree(t);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.side').isVisible(), false);
  assert.equal(await page.locator('#copy-link').isVisible(), false);
  assert.equal(await page.locator('[data-kpi="win_rate"] .value').isVisible(), true);
  assert.equal(await page.locator('[data-kpi="revenue"] figure.trend svg').isVisible(), true);
  assert.equal(await page.locator('[data-kpi="win_rate"] .delta.previous').isVisible(), true);
  assert.equal(await page.locator('.warnings').isVisible(), true);
  // The unusable rows are printed though off screen: content-visibility: auto, which leaves
  // them unrendered until scrolled near, is lifted in print.
  assert.equal(await page.locator('#issues table').evaluate((e) => e.checkVisibility({ contentVisibilityAuto: true })), true);
  await page.screenshot({ path: path.join(artifacts, 'review-pack-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 20000, `a PDF of ${pdf.length} bytes`);
});

test('exported rows keep user text that looks like a formula from running', async (t) => {
  const page = await openApp(t);
  await page.fill('#paste', 'Deal Name,Amount,Deal Stage,Create Date,Close Date\n'
    + '=HYPERLINK("http://x.example"),=1+2,Closed Won,2024-01-01,2024-01-05\n'
    + 'B,200,Closed Won,2024-01-02,2024-01-06\n');
  await page.click('#analyze-paste');
  await waitStatus(page, 'pasted data');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-issues')]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.match(text, /'=1\+2/, 'the amount cell is text');
  assert.ok(!/(^|,)=/m.test(text), 'no cell starts with =');
});

test('after the first visit the page opens and computes offline, and says so', async (t) => {
  const page = await openApp(t);
  await page.waitForSelector('#offline-ready');
  const before = await cardValue(page, 'win_rate');
  // What the service worker keeps: the formats worker only once it has been used.
  const kept = () => page.evaluate(async () => {
    const paths = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) paths.push(new URL(r.url).pathname);
    }
    return paths.join(' ');
  });
  const keptNow = await kept();
  assert.match(keptNow, /_bg\.wasm/);
  assert.doesNotMatch(keptNow, /formats/);
  const gbk = path.join(fixtures, 'wukong_商机_gbk_note_row.csv');
  await page.setInputFiles('#file-input', gbk);
  await waitStatus(page, 'wukong', { period: 'default' });
  await settled(page);
  const gbkCards = await page.locator('#kpi-cards').textContent();
  await page.waitForFunction(async () => {
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) if (r.url.endsWith('/formats_bg.wasm')) return true;
    }
    return false;
  });
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('#kpi-cards');
  await settled(page);
  await page.selectOption('#period', 'all');
  await settled(page);
  assert.equal(await cardValue(page, 'win_rate'), before);
  // A file read while offline: the engine's worker runs from the kept files too.
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, 'deals.csv', { period: 'default' });
  await settled(page);
  assert.equal(await cardValue(page, 'win_rate'), '60.0 %');
  assert.match(await page.locator('#offline-ready').textContent(), /Works offline/);
  // A GBK file read once online is read offline too: the formats worker was kept.
  await page.setInputFiles('#file-input', gbk);
  await waitStatus(page, 'wukong', { period: 'default' });
  await settled(page);
  assert.equal(await page.locator('#kpi-cards').textContent(), gbkCards);
});

test('offline, a file that needs the reader never used online says so and the page goes on', async (t) => {
  const page = await openApp(t, { allow: [/^Failed to load resource: net::ERR_(FAILED|INTERNET_DISCONNECTED)$/] });
  await page.waitForSelector('#offline-ready');
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('#kpi-cards');
  await settled(page);
  const cards = await page.locator('#kpi-cards').textContent();
  const period = await page.inputValue('#period');
  await page.setInputFiles('#file-input', path.join(fixtures, 'wukong_商机_gbk_note_row.csv'));
  const alert = page.locator('[role="alert"]').first();
  await alert.waitFor();
  assert.match(await alert.textContent(), /This needs the part of the calculator that reads .* offline/);
  await settled(page);
  // The report shown before stays, with its source and period, and the page takes the next file.
  assert.equal(await page.locator('#kpi-cards').textContent(), cards);
  assert.match(await page.locator('#load-status').textContent(), /sample/i);
  assert.equal(await page.inputValue('#period'), period);
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, 'deals.csv', { period: 'default' });
  await settled(page);
  assert.equal(await cardValue(page, 'win_rate'), '60.0 %');
  // The JSON download needs the same worker: it says so too.
  await page.click('#export-json');
  await page.locator('[role="alert"]', { hasText: 'writes JSON' }).waitFor();
});
