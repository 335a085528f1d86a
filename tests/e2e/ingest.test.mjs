// Browser end-to-end tests of reading real exports: legacy encodings detected by the worker
// fetched on demand, the user's encoding override, and the mapping editor with its memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixtures, artifacts, server, newContext, openApp, cardValue, settled, waitStatus } from './harness.mjs';

const upload = async (page, file) => {
  await page.setInputFiles('#file-input', path.join(fixtures, file));
  await waitStatus(page, file);
  await settled(page);
};
const encodingShown = (page) => page.locator('.table-map .encoding-choice').inputValue();
const encodingHow = (page) => page.locator('.table-map .encoding .how').textContent();

test('a GBK export with a note row above the header reads right, detector fetched only then', async (t) => {
  const page = await openApp(t);
  await waitStatus(page, '3,000 rows');
  assert.ok(!server.requests.some((p) => p.includes('detect')), `UTF-8 sample needs no detector: ${server.requests}`);
  assert.equal(await encodingShown(page), 'UTF-8');

  await upload(page, 'wukong_商机_gbk_note_row.csv');
  assert.ok(server.requests.includes('/formats_bg.wasm'), 'the detector was fetched for the GBK file');
  assert.equal(await encodingShown(page), 'GBK');
  assert.match(await encodingHow(page), /detected from the bytes/);
  assert.match(await page.locator('.table-map .file').textContent(), /header on row 2 · 1 row above it skipped/);
  // The same six deals as every vendor fixture: 3 won of 4 closed, revenue 5,000.50.
  assert.equal(await cardValue(page, 'win_rate'), '75.0 %');
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
  assert.deepEqual(await page.locator('#by-owner tbody th').allTextContents(), ['李四', '王五', '张三']);
  assert.equal(await page.locator('.mapping-table tr[data-role="amount"] th').textContent(), '*商机金额');
  await page.screenshot({ path: path.join(artifacts, 'gbk-upload.png'), fullPage: true });
});

test('choosing another encoding reads the file again in it', async (t) => {
  const page = await openApp(t);
  await upload(page, 'wukong_商机_gbk_note_row.csv');
  await page.selectOption('.table-map .encoding-choice', 'windows-1252');
  await page.waitForFunction(() => document.querySelector('.table-map .encoding-choice')?.value === 'windows-1252');
  await settled(page);
  assert.match(await encodingHow(page), /your choice/);
  // Read as windows-1252 the Chinese headers mean nothing: no amount column, no revenue.
  assert.equal(await page.locator('.mapping-table tr[data-role="amount"]').count(), 0);
  assert.equal(await page.locator('[data-kpi="revenue"] .needs').count(), 1);
  assert.equal(await page.locator('[data-kpi="revenue"] .value').textContent(), 'n/a');
  await page.selectOption('.table-map .encoding-choice', 'GBK');
  await page.waitForFunction(() => document.querySelector('.table-map .encoding .how')?.textContent.includes('your choice')
    && document.querySelector('.mapping-table tr[data-role="amount"]'));
  await settled(page);
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
});

test('a UTF-16 "Unicode Text" export from Excel reads without the detector', async (t) => {
  const page = await openApp(t);
  await upload(page, 'hubspot_deals_excel_unicode.txt');
  assert.equal(await encodingShown(page), 'UTF-16LE');
  assert.match(await encodingHow(page), /marked in the file/);
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
});

test('fixing a mapping recomputes, and is remembered for the next file with those columns', async (t) => {
  const context = await newContext(t);
  const page = await openApp(t, { context });
  await upload(page, 'hubspot_deals.csv');
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
  // Say "Record ID" is the amount and "Amount" is not used: revenue becomes 1 + 2 + 6.
  const row = (header) => page.locator('.mapping-table tbody tr', { has: page.locator(`th:text-is("${header}")`) });
  await row('Amount').locator('select').selectOption('');
  await settled(page);
  await row('Record ID').locator('select').selectOption('amount');
  await page.waitForFunction(() => document.querySelector('[data-kpi="revenue"] .value')?.textContent === '9');
  // Undone and made again: each is a change back to the table before it, with its figures.
  await row('Record ID').locator('select').selectOption('');
  await page.waitForFunction(() => document.querySelector('[data-kpi="revenue"] .value')?.textContent === 'n/a');
  await row('Record ID').locator('select').selectOption('amount');
  await page.waitForFunction(() => document.querySelector('[data-kpi="revenue"] .value')?.textContent === '9');
  assert.equal(await page.locator('.user-mapping').count(), 1);
  assert.equal(await row('Record ID').getAttribute('data-role'), 'amount');

  // Next visit, same columns: the fixed mapping applies by itself.
  const again = await openApp(t, { context });
  await upload(again, 'hubspot_deals.csv');
  assert.equal(await cardValue(again, 'revenue'), '9');
  assert.match(await again.locator('.user-mapping').textContent(), /Your mapping is applied/);
  // Back to the detected meanings, and forgotten.
  await again.click('.reset-mapping');
  await again.waitForFunction(() => document.querySelector('[data-kpi="revenue"] .value')?.textContent === '5,000.50');
  assert.equal(await again.locator('.user-mapping').count(), 0);
  const keys = await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('crm-kpi.mapping2.')));
  assert.deepEqual(keys, []);
  await again.screenshot({ path: path.join(artifacts, 'mapping-editor.png'), fullPage: true });
});

test('Excel workbooks read from the fullest sheet, and another sheet can be chosen', async (t) => {
  const page = await openApp(t);
  await upload(page, 'hubspot_deals.xlsx');
  assert.equal(await page.locator('.table-map .sheet-choice').inputValue(), 'Deals');
  assert.deepEqual(await page.locator('.table-map .sheet-choice option').allTextContents(), ['Summary', 'Deals']);
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
  assert.equal(await cardValue(page, 'sales_cycle_days'), '30 days', 'Excel dates read as dates');
  // The summary sheet has no table below its one-row header: said in one sentence.
  await page.selectOption('.table-map .sheet-choice', 'Summary');
  await page.waitForSelector('.error');
  assert.match(await page.locator('.error p').textContent(), /hubspot_deals\.xlsx.*no data rows/);

  // WukongCRM's .xls: a merged note above the headers, amounts as numbers.
  await upload(page, 'wukong_商机_note_row.xls');
  assert.match(await page.locator('.table-map .file').textContent(), /header on row 2 · 1 row above it skipped/);
  assert.equal(await cardValue(page, 'revenue'), '5,000.50');
  assert.equal(await cardValue(page, 'win_rate'), '75.0 %');
  await page.screenshot({ path: path.join(artifacts, 'xls-upload.png'), fullPage: true });
});

test('several tables load together, each with its kind, linked by customer', async (t) => {
  const page = await openApp(t);
  const sf = path.join(fixtures, '../../../shared/data/salesforce-data-cloud-workshop');
  await page.setInputFiles('#file-input', [path.join(sf, 'Opportunity.csv'), path.join(sf, 'Account.csv')]);
  await waitStatus(page, 'Account.csv');
  await settled(page);
  const files = await page.locator('.table-map .file').allTextContents();
  assert.match(files[0], /^Opportunity\.csv · deals · 50 rows/);
  assert.match(files[1], /^Account\.csv · customers · 22 rows/);
  assert.equal(await page.locator('.links .link').textContent(),
    'Opportunity.csv → Account.csv: AccountId = Id · 50 of 50 rows (18 of 18 customers) found');
});

test("deals break down by what a list of reps and an account list say of each deal's owner and customer", async (t) => {
  const page = await openApp(t);
  const maven = path.join(fixtures, '../../../shared/data/maven-crm-sales-opportunities');
  await page.setInputFiles('#file-input', ['sales_pipeline.csv', 'sales_teams.csv', 'accounts.csv', 'products.csv']
    .map((f) => path.join(maven, f)));
  await waitStatus(page, 'products.csv', { period: 'default' });
  await settled(page);
  assert.equal(await page.locator('#period').inputValue(), '2017-12');
  const rows = (dim) => page.locator(`#by-${dim} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  // tests/independent/maven_figures.py, "2017-12 regional_office" and "2017-12 sector":
  // won ÷ (won + lost), won, won value.
  assert.deepEqual(await rows('region'), [
    ['Central', '80.6 %', '191', '397,701'],
    ['West', '83.5 %', '187', '369,924'],
    ['East', '70.0 %', '133', '363,948'],
  ]);
  assert.equal(await page.locator('#by-region .hint').textContent(),
    "Looked up in sales_teams.csv (regional_office) by each deal's owner: found for 8,800 of 8,800 deals");
  assert.equal((await rows('team')).length, 6);
  assert.equal(await page.locator('#by-industry .hint').textContent(),
    "Looked up in accounts.csv (sector) by each deal's customer: found for 7,375 of 7,375 deals");
  const industries = await rows('industry');
  assert.deepEqual(industries[0], ['retail', '75.5 %', '108', '236,392']);
  // Ten sectors; the open deals without an account (none closed) make no "(blank)" row.
  assert.equal(industries.length, 10);
  // The column meanings say so too, beside the link by customer.
  assert.deepEqual(await page.locator('.links .lookup').allTextContents(), [
    "region: Looked up in sales_teams.csv (regional_office) by each deal's owner: found for 8,800 of 8,800 deals",
    "team: Looked up in sales_teams.csv (manager) by each deal's owner: found for 8,800 of 8,800 deals",
    "industry: Looked up in accounts.csv (sector) by each deal's customer: found for 7,375 of 7,375 deals",
  ]);
  await page.click('#lang-zh');
  await settled(page);
  assert.equal(await page.locator('#by-region .hint').textContent(),
    '按商机负责人在 sales_teams.csv（regional_office）中查找：8,800 个商机中找到 8,800 个');
});

test("a shop's invoice lines read as orders: revenue growth, retention, no flood of warnings", async (t) => {
  const page = await openApp(t);
  const retail = path.join(fixtures, '../../../shared/data/uci-online-retail/online_retail_non_uk.csv');
  await page.setInputFiles('#file-input', retail);
  await waitStatus(page, 'online_retail_non_uk.csv', { period: 'default' });
  await settled(page);
  // The data ends on 2011-12-09: the page opens on November 2011.
  assert.equal(await page.locator('#period').inputValue(), '2011-11');
  // November against October (tests/independent/retail_figures.py 2011-11-01 2011-11-30):
  // (184,150.12 − 216,004.29) ÷ 216,004.29.
  assert.equal(await cardValue(page, 'revenue'), '184,150');
  assert.equal(await cardValue(page, 'revenue_growth'), '-14.7 %');
  // 245 customers active at the start, 24 lost: 221 kept; the 25 won back are not.
  assert.equal(await page.locator('#more-kpis tr[data-kpi="retention_rate"] td.num').first().textContent(), '90.2 %');
  assert.equal(await page.locator('#more-kpis tr[data-kpi="churn_rate"] td.num').first().textContent(), '9.8 %');
  // Of the set for "grow revenue" the orders give two; "keep customers" is offered, and adding
  // it brings retention among the cards. Its button works from the keyboard.
  assert.match(await page.locator('.better-goal').textContent(), /more for the goal “Keep customers”: \d of its KPIs/);
  await page.focus('#add-goal');
  await page.keyboard.press('Enter');
  await settled(page);
  assert.equal(await page.locator('#goal-keep_customers').isChecked(), true);
  assert.equal(await cardValue(page, 'retention_rate'), '90.2 %');
  // An invoice's lines share its minute: they are one record, not a bulk entry.
  const kinds = await page.locator('#warnings li').evaluateAll((ls) => ls.map((l) => l.dataset.kind));
  assert.deepEqual(kinds, ['amount_outlier']);
});

test('the full list of unusable rows downloads as CSV', async (t) => {
  const page = await openApp(t);
  await waitStatus(page, '3,000 rows');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-issues')]);
  assert.equal(download.suggestedFilename(), 'unusable-rows.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'file,line,column,value,reason');
  assert.ok(lines.some((l) => l.startsWith('sample-deals.csv,419,Amount,TBD,')), lines.slice(0, 5).join('\n'));
  // As many rows as the page counts.
  const counted = (await page.locator('.issue-counts li[data-kind] strong').allTextContents())
    .reduce((a, n) => a + Number(n.replace(/,/g, '')), 0);
  assert.equal(lines.length - 1, counted);
});
