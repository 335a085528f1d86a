// Browser end-to-end tests of the review: deals, activities and tickets loaded together; the
// page opens on the data's last complete month with the change against the month before; a
// target; another period; the trend chart; a sanity warning on a planted bad row; the inputs
// that exports lack. Every expected figure is worked out by hand from
// tests/fixtures/catalogue/ (see tests/catalogue_kpis.rs for the tables' own KPIs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixtures, artifacts, openApp, cardValue, settled, waitStatus } from './harness.mjs';

const files = ['deals.csv', 'activities.csv', 'tickets.csv'].map((f) => path.join(fixtures, 'catalogue', f));

async function loadThree(t) {
  const page = await openApp(t);
  await page.setInputFiles('#file-input', files);
  await waitStatus(page, 'deals.csv', { period: 'default' });
  await settled(page);
  return page;
}

test('three tables open on the last complete month, compared with the month before', async (t) => {
  const page = await loadThree(t);
  // The data ends on 1 March 2024 (an activity): February is the last complete month.
  assert.equal(await page.locator('#period').inputValue(), '2024-02');
  // February: won D, E, H, lost F, G → 60 %; January: 2 won, 1 lost → 66.7 %.
  assert.equal(await cardValue(page, 'win_rate'), '60.0 %');
  const delta = page.locator('[data-kpi="win_rate"] .delta.previous');
  assert.match(await delta.textContent(), /▼ -6\.7 pp vs 2024-01 \(66\.7 %\)/);
  assert.ok(await delta.evaluate((e) => e.classList.contains('bad')), 'a falling win rate reads as bad news');
  // Revenue 200 + 400 + 500 against 400 in January: +175 %.
  assert.equal(await cardValue(page, 'revenue'), '1,100');
  assert.match(await page.locator('[data-kpi="revenue"] .delta.previous').textContent(), /▲ \+175\.0 % vs 2024-01 \(400\)/);
  // The activities and tickets were read as such and give their KPIs.
  const kinds = await page.locator('.mapping .file').allTextContents();
  assert.ok(kinds.some((k) => k.includes('activities.csv') && /activities/i.test(k)), kinds.join('\n'));
  // The trend chart is drawn, titled, and readable as text.
  const chart = page.locator('[data-kpi="revenue"] figure.trend');
  assert.match(await chart.locator('figcaption').textContent(), /Revenue — Trend by month/);
  assert.match(await chart.locator('[role="img"]').getAttribute('aria-label'), /2024-01: 400; 2024-02: 1,100/);
  assert.equal(await chart.locator('svg polyline, svg path').count() > 0, true, 'a line is drawn');
  // Its value axis ticks at round figures that take in 400 and 1,100, then the months.
  assert.deepEqual(await chart.locator('svg text').allTextContents(), ['0', '500', '1.0k', '1.5k', '2024-01', '2024-02']);
  await page.screenshot({ path: path.join(artifacts, 'review-en.png'), fullPage: true });
});

test('a planted bad row is listed as a sanity warning and still counted', async (t) => {
  const page = await loadThree(t);
  const w = page.locator('#warnings [data-kind="closed_before_created"]');
  // Deal H (line 9) closed on 2 February but was created on 20 February.
  assert.match(await w.textContent(), /deals\.csv: 1 deals were closed before they were created/);
  assert.match(await w.locator('.lines').textContent(), /lines 9$/);
});

test('a target is judged in the KPI’s direction and kept for next time', async (t) => {
  const page = await loadThree(t);
  const card = page.locator('[data-kpi="win_rate"]');
  await card.locator('.target-input').fill('70');
  await card.locator('.target-input').dispatchEvent('change');
  await page.waitForSelector('[data-kpi="win_rate"] .target-status');
  assert.equal(await card.locator('.target-status').textContent(), 'below target');
  const cycle = page.locator('[data-kpi="sales_cycle_days"]');
  await cycle.locator('.target-input').fill('30');
  await cycle.locator('.target-input').dispatchEvent('change');
  await page.waitForSelector('[data-kpi="sales_cycle_days"] .target-status');
  // February's won deals took 9, 17 and −18 days: median 9 ≤ 30, and lower is better.
  assert.equal(await cycle.locator('.target-status').textContent(), 'on target');
  await page.reload();
  await page.waitForSelector('[data-kpi="win_rate"] .target-input');
  assert.equal(await page.locator('[data-kpi="win_rate"] .target-input').inputValue(), '70');
});

test('switching the period recomputes the values and the comparison', async (t) => {
  const page = await loadThree(t);
  await page.selectOption('#period', '2024-01');
  await settled(page);
  assert.equal(await cardValue(page, 'revenue'), '400');
  assert.equal(await cardValue(page, 'win_rate'), '66.7 %');
  // The data starts in January: no comparison with December.
  assert.equal(await page.locator('[data-kpi="revenue"] .delta.previous').count(), 0);
  // A custom range: 10 to 25 January holds A, C and B's closes.
  await page.click('#custom-range summary');
  await page.fill('#range-from', '2024-01-10');
  await page.fill('#range-to', '2024-01-25');
  await page.click('#range-apply');
  await page.waitForFunction(() => document.querySelector('#period')?.value === '2024-01-10..2024-01-25');
  await settled(page);
  assert.equal(await cardValue(page, 'revenue'), '400');
});

test('an input the export lacks makes its KPI computable', async (t) => {
  const page = await loadThree(t);
  assert.match(await page.locator('[data-kpi="pipeline_coverage"] .needs').textContent(), /revenue target/);
  await page.click('#inputs summary');
  await page.fill('#in-target', '1500');
  await page.locator('#in-target').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-kpi="pipeline_coverage"] .value')?.dataset.value);
  await settled(page);
  // Open at the end of February: I (150); still to go 1,500 − 1,100 = 400 → 0.375.
  assert.equal(await cardValue(page, 'pipeline_coverage'), '0.38');
  assert.equal(await cardValue(page, 'quota_attainment'), '73.3 %');
});

test('a KPI that lacks an input asks for it on its card, and the figure is kept', async (t) => {
  const page = await loadThree(t);
  const card = page.locator('[data-kpi="pipeline_coverage"]');
  assert.equal(await card.locator('.card-inputs label').textContent(), 'Revenue target per month');
  const box = card.locator('#pipeline_coverage-in-target');
  await box.fill('1500');
  await box.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-kpi="pipeline_coverage"] .value')?.dataset.value);
  await settled(page);
  // As typed into the panel: open I (150) against 1,500 − 1,100 still to go → 0.375.
  assert.equal(await cardValue(page, 'pipeline_coverage'), '0.38');
  assert.equal(await cardValue(page, 'quota_attainment'), '73.3 %');
  assert.equal(await card.locator('.card-inputs').count(), 0, 'the box goes once the KPI has its figure');
  // The panel shows the same figure, and the page remembers it.
  assert.equal(await page.locator('#in-target').inputValue(), '1500');
  await page.reload();
  await page.waitForSelector('#in-target');
  assert.equal(await page.locator('#in-target').inputValue(), '1500');
});

test('reps marked as new are measured on activity, the others on results', async (t) => {
  const page = await loadThree(t);
  // February: Ann and Bob own deals and activities; both start as experienced.
  // Highest revenue first: Bob's 900 (E and H, below), then Ann's 200 (D won; F, G lost).
  const rows = await page.locator('#reps-senior tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td.num').textContent]));
  assert.deepEqual(rows, [['Bob', '900'], ['Ann', '200']]);
  await page.locator('#reps-senior tr[data-rep="Ann"] .new-rep').click();
  await page.waitForSelector('#reps-new tr[data-rep="Ann"]');
  // Ann's February activities: 2 (both done).
  const cells = await page.locator('#reps-new tr[data-rep="Ann"] td.num').allTextContents();
  assert.deepEqual(cells.slice(0, 2), ['2', '100.0 %']);
  assert.deepEqual(await page.locator('#reps-senior tbody th').allTextContents(), ['Bob']);
  // Bob's results: E and H won (400 + 500), none lost → revenue 900, win rate 2 of 2.
  const bob = await page.locator('#reps-senior tr[data-rep="Bob"] td.num').allTextContents();
  assert.deepEqual(bob.slice(0, 2), ['900', '100.0 %']);
  // A KPI's own breakdown opens as bars, drawn only once it is unfolded, and gone when folded.
  const own = page.locator('[data-kpi="win_rate"] .kpi-breakdowns');
  assert.equal(await own.locator('figure').count(), 0);
  await own.locator('summary').click();
  assert.match(await own.locator('[data-dim="owner"] [role="img"]').getAttribute('aria-label'), /Bob: 100\.0 %; Ann: 33\.3 %/);
  await own.locator('summary').click();
  await page.waitForFunction(() => !document.querySelector('[data-kpi="win_rate"] .kpi-breakdowns figure'));
});

test('the KPIs go away as CSV and as a table on the clipboard', async (t) => {
  const page = await loadThree(t);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(csv.suggestedFilename(), 'crm-kpi-2024-02.csv');
  const lines = fs.readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  assert.match(lines[0], /^KPI,id,period,value,unit,previous,change,year earlier,target,status,/);
  // February's win rate, 0.6, against January's 2 of 3.
  const win = lines.find((l) => l.startsWith('Opportunity win rate,win_rate,'));
  assert.match(win, /^Opportunity win rate,win_rate,2024-02,0\.6,ratio,0\.666667,-0\.066667,/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.click('#export-tsv');
  await page.waitForSelector('.export .copied');
  const tsv = await page.evaluate(() => navigator.clipboard.readText());
  const rows = tsv.replace(/\n$/, '').split('\n').map((r) => r.split('\t'));
  assert.ok(rows.every((r) => r.length === 13), 'every row has 13 cells');
  assert.deepEqual(rows.find((r) => r[1] === 'revenue').slice(0, 4), ['Revenue', 'revenue', '2024-02', '1100']);
});
