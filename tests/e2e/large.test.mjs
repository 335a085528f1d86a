// A generated 200k-row export through the real UI: the progress bar advances while the worker
// reads, the page stays usable, the numbers equal the native engine's on the same file; and a
// load can be cancelled, leaving the data shown before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, fixtures, nativeReport, openApp, cardValue, settled, waitStatus, wholeRange } from './harness.mjs';

/** A deterministic HubSpot-style deals export of `n` rows. */
function dealsCsv(n) {
  const stages = ['closedwon', 'closedlost', 'appointmentscheduled', 'contractsent'];
  const owners = ['Ann Lee', 'Bob Stone', 'Cy Wu', 'Dee Park', 'Eve Chen'];
  const sources = ['Organic Search', 'Referrals', 'Paid Search', 'Direct Traffic'];
  const lines = ['Deal Name,Amount,Deal Stage,Create Date,Close Date,Deal owner,Original Source Type'];
  for (let i = 0; i < n; i++) {
    const stage = stages[(i * 7) % 4];
    const created = new Date(Date.UTC(2024, 0, 1) + ((i * 13) % 540) * 86400000);
    const closed = new Date(created.getTime() + (5 + (i % 60)) * 86400000);
    const day = (d) => d.toISOString().slice(0, 10);
    const close = stage.startsWith('closed') ? day(closed) : '';
    lines.push(`Deal ${i},${100 + (i * 37) % 9900},${stage},${day(created)},${close},${owners[i % 5]},${sources[(i * 3) % 4]}`);
  }
  return lines.join('\n') + '\n';
}

test('a 200k-row file loads with a progress bar and the right numbers', async (t) => {
  const csv = dealsCsv(200_000);
  const file = path.join(artifacts, 'deals_200k.csv');
  fs.writeFileSync(file, csv);
  const want = nativeReport(file);
  const page = await openApp(t);
  // Watch the progress bar from inside the page: every value it shows, in order.
  await page.evaluate(() => {
    window.seen = [];
    new MutationObserver(() => {
      const bar = document.querySelector('#load-progress progress');
      if (bar) window.seen.push([Number(bar.value), Number(bar.max), document.querySelector('#load-progress .status').textContent]);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.setInputFiles('#file-input', { name: 'deals_200k.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await waitStatus(page, 'deals_200k.csv');
  const seen = await page.evaluate(() => window.seen);
  const reading = seen.filter(([, , text]) => text.startsWith('Reading'));
  const values = [...new Set(reading.map(([v]) => v))];
  assert.ok(values.length >= 3, `the bar advanced: ${JSON.stringify(values)}`);
  assert.deepEqual([...values].sort((a, b) => a - b), values, 'and only forward');
  assert.ok(reading.some(([, , text]) => /150,000 rows/.test(text)), reading.map((r) => r[2]).join('\n'));
  assert.match(await page.locator('#load-status').textContent(), /200,000 rows/);
  for (const id of ['win_rate', 'revenue', 'average_deal_size', 'pipeline_value', 'sales_cycle_days']) {
    const shown = await page.locator(`[data-kpi="${id}"] .value`).getAttribute('data-value');
    assert.equal(Number(shown), want.kpis.find((k) => k.id === id).value, id);
  }
});

/** The page's KPIs and row count after loading `file`, against the native engine's. */
async function sameAsNative(page, file, name) {
  const want = nativeReport(file);
  await page.setInputFiles('#file-input', file);
  await waitStatus(page, name);
  await wholeRange(page);
  const rows = want.tables[0].rows.toLocaleString('en-US');
  assert.match(await page.locator('#load-status').textContent(), new RegExp(`${rows} rows`));
  for (const id of ['win_rate', 'revenue', 'average_deal_size', 'pipeline_value', 'sales_cycle_days']) {
    const shown = await page.locator(`[data-kpi="${id}"] .value`).getAttribute('data-value');
    assert.equal(Number(shown), want.kpis.find((k) => k.id === id).value, `${name}: ${id}`);
  }
  const owners = await page.locator('#by-owner tbody th').allTextContents();
  assert.deepEqual(owners.sort(), ['Ann Lee', 'Bob Stone', 'Cy Wu', 'Dee Park', 'Eve Chen']);
  return want;
}

test('a large file is read by one worker, also where the page still asks for two, to the numbers of a native read', async (t) => {
  // Over 48 MB: the size from which the page used to read a file with a helper worker when
  // its `workers` setting asked for two. The setting is retired (README, One reader only):
  // the page takes it without a problem and reads with one worker.
  const csv = dealsCsv(800_000);
  const file = path.join(artifacts, 'deals_800k.csv');
  fs.writeFileSync(file, csv);
  assert.ok(csv.length > 48 * 1024 * 1024);
  const page = await openApp(t, { query: '?workers=2' });
  const workers = page.workers().map((w) => w.url());
  page.on('worker', (w) => workers.push(w.url()));
  await sameAsNative(page, file, 'deals_800k.csv');
  assert.equal(await page.locator('.config-problems').count(), 0);
  assert.ok(!workers.some((u) => u.endsWith('#helper')), `no helper: ${workers.join(' ')}`);

  // The same rows with a line break inside every quoted deal name: records that run over
  // the 8 MB slices' seams, still read to the numbers of one native read.
  const header = 'Deal Name,Amount,Deal Stage,Create Date,Close Date,Deal owner,Original Source Type';
  const rows = csv.split('\n').slice(1, 600_001).map((r) => {
    const [name, ...rest] = r.split(',');
    return `"${name.padEnd(12, '_')}\n(note)",${rest.join(',')}\n`;
  });
  const quoted = path.join(artifacts, 'deals_600k_quoted.csv');
  fs.writeFileSync(quoted, `${header}\n${rows.join('')}`);
  assert.ok(fs.statSync(quoted).size > 4 * 8 * 1024 * 1024, 'over four slices');
  await sameAsNative(page, quoted, 'deals_600k_quoted.csv');
});

test('a slice reader that stops without a word does not stall a load: the worker reads the rest itself', async (t) => {
  // Seven 8 MB slices, read by one worker and its slice reader. The reader gets its file but
  // none of the byte ranges asked of it, as one that ended would: no error event, no slices.
  // The load waits ten seconds for a slice (READER_PATIENCE_MS), then reads the file itself.
  const file = path.join(artifacts, 'deals_800k.csv');
  fs.writeFileSync(file, dealsCsv(800_000));
  const page = await openApp(t, { query: '?workers=1' });
  const engine = page.workers();
  assert.equal(engine.length, 1, 'the engine\'s worker, and no other yet');
  await engine[0].evaluate(() => {
    const Base = self.Worker;
    self.Worker = class extends Base {
      constructor(url, options) {
        super(url, options);
        if (String(url).endsWith('#slices')) {
          self.mutedReaders = (self.mutedReaders || 0) + 1;
          this.postMessage = (m) => { if (m instanceof Blob) super.postMessage(m); };
        }
      }
    };
  });
  await sameAsNative(page, file, 'deals_800k.csv');
  assert.equal(await engine[0].evaluate(() => self.mutedReaders), 1, 'the file had a slice reader, which sent nothing');
});

test('a 20 MB GBK export with a line break in every deal name reads as the native engine reads it', async (t) => {
  // The worker reads a file in 8 MB slices (here sent by a slice reader, as they come) and
  // decodes GBK a run of lines at a time: here a slice ends inside a quoted name or a
  // two-byte character, and the page must still read every row as the native engine reads
  // the whole file.
  const bytes = fs.readFileSync(path.join(fixtures, 'wukong_商机_gbk_note_row.csv'));
  const lines = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) { lines.push(bytes.subarray(start, i + 1)); start = i + 1; }
  }
  const [note, header, ...data] = lines;
  // The line break goes inside the name's quotes: after the opening one of a quoted name,
  // into new quotes around a plain one.
  const quoted = data.map((row) => (row[0] === 0x22
    ? Buffer.concat([Buffer.from('"(continued)\n'), row.subarray(1)])
    : Buffer.concat([Buffer.from('"'), row.subarray(0, row.indexOf(0x2c)), Buffer.from('\n(continued)"'), row.subarray(row.indexOf(0x2c))])));
  const parts = [note, header];
  let size = note.length + header.length;
  for (let k = 0; size < 20_000_000; k++) {
    const row = quoted[k % quoted.length];
    parts.push(row);
    size += row.length;
  }
  const file = path.join(artifacts, 'wukong_gbk_20mb.csv');
  fs.writeFileSync(file, Buffer.concat(parts));
  const want = nativeReport(file);
  assert.equal(want.tables[0].encoding, 'GBK');
  assert.deepEqual(want.tables[0].issue_counts, {}, 'a well-formed file');
  const page = await openApp(t);
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => document.querySelector('#load-status')?.textContent.includes('wukong_gbk_20mb.csv'));
  await settled(page);
  // A file of more than two slices has its slices read by a worker of its own.
  assert.ok(workers.some((u) => u.endsWith('#slices')), `a slice reader read the file: ${workers.join(' ')}`);
  // A new file opens on its last complete month, and the period list says so (the user had
  // picked "whole range" for the sample before).
  const month = want.default_period;
  assert.match(month, /^2024-0\d$/);
  assert.equal(await page.locator('#period').inputValue(), month);
  assert.match(await page.locator('main').innerText(), new RegExp(`Deals in this period\\s*${month}`));
  await wholeRange(page);
  const rows = want.tables[0].rows.toLocaleString('en-US');
  assert.match(await page.locator('#load-status').textContent(), new RegExp(`${rows} rows`));
  assert.equal(await page.locator('.table-map .encoding-choice').inputValue(), 'GBK');
  for (const id of ['win_rate', 'revenue', 'average_deal_size', 'sales_cycle_days']) {
    const shown = await page.locator(`[data-kpi="${id}"] .value`).getAttribute('data-value');
    assert.equal(Number(shown), want.kpis.find((k) => k.id === id).value, id);
  }
  assert.deepEqual(await page.locator('#by-owner tbody th').allTextContents(), ['李四', '王五', '张三']);
});

test('cancelling a load stops it and keeps the data shown before', async (t) => {
  const page = await openApp(t);
  const csv = dealsCsv(600_000);
  await page.setInputFiles('#file-input', { name: 'deals_600k.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('#cancel-load');
  await page.click('#cancel-load');
  // The sample comes back; the big file's report never replaces it.
  await waitStatus(page, 'sample');
  await settled(page);
  assert.match(await page.locator('#load-status').textContent(), /3,000 rows/);
  assert.equal(await page.locator('#load-progress').count(), 0);
  // The page still works: another period recomputes.
  await page.selectOption('#period', '2025');
  await settled(page);
  assert.ok((await cardValue(page, 'revenue')).length > 0);
  assert.doesNotMatch(await page.locator('#load-status').textContent(), /600k/);
});

test('a file over 500 MB is refused with its size and what to do, before it is read', async (t) => {
  const page = await openApp(t);
  await waitStatus(page, 'sample');
  // 600 MB made of one 60 MB buffer ten times over: a File as big as a real export.
  await page.evaluate(() => {
    const part = new Uint8Array(60_000_000).fill(44);
    const dt = new DataTransfer();
    dt.items.add(new File(Array(10).fill(part), 'everything.csv', { type: 'text/csv' }));
    document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.error');
  await page.screenshot({ path: path.join(artifacts, 'too-large.png') });
  assert.match(await page.locator('.error p').textContent(), /“everything\.csv” is 600 MB; this calculator reads files of up to 500 MB .*shorter date range/);
  // The sample stays loaded and usable.
  assert.match(await page.locator('#load-status').textContent(), /3,000 rows/);
  assert.equal(await page.locator('#load-progress').count(), 0);
  await page.selectOption('#period', '2025');
  await settled(page);
  assert.ok((await cardValue(page, 'revenue')).length > 0);
});
