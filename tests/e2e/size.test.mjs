// The download budget: every script, wasm module and style sheet a first visit fetches, the
// offline cache's included (the built-in sample, which is data, aside), weighs at most
// 400 KB (400,000 bytes) gzipped with `gzip -9`, as the README's Size section measures them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dist, newContext, server, settled } from './harness.mjs';

const BUDGET = 400_000;

test('the app the page downloads to start fits in 400 KB gzipped', async (t) => {
  const context = await newContext(t);
  const page = await context.newPage();
  const fetched = new Set();
  context.on('request', (r) => fetched.add(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page.waitForSelector('#kpi-cards');
  await settled(page);
  // Once the page is kept for offline use, the service worker has fetched what it keeps
  // at once; its own script is the page's too.
  await page.waitForSelector('#offline-ready');
  const sw = await page.evaluate(async () => (await navigator.serviceWorker?.getRegistration())?.active?.scriptURL);
  if (sw) fetched.add(new URL(sw).pathname);
  const app = [...fetched].filter((p) => /\.(js|wasm|css)$/.test(p)).sort();
  assert.ok(app.some((p) => p.endsWith('.wasm')) && app.some((p) => p.endsWith('.css')), app.join(' '));
  const sizes = app.map((p) => {
    const file = path.join(dist, p);
    const gz = execFileSync('gzip', ['-9c', file], { maxBuffer: 64 << 20 }).length;
    return { file: p, bytes: fs.statSync(file).size, gz };
  });
  const total = sizes.reduce((sum, s) => sum + s.gz, 0);
  t.diagnostic(`${sizes.map((s) => `${s.file} ${s.gz}`).join(', ')}: ${total} bytes gzipped of ${BUDGET}`);
  assert.ok(total <= BUDGET, `${total} bytes gzipped: ${JSON.stringify(sizes)}`);
  // std's `str::parse::<f64>` brings a table of 650 powers of five (10 KB, about 15 KB
  // gzipped with its code); the app reads numbers through `crm_kpi_decimal` instead. The
  // table's first entry, the top 64 bits of 5^-342, as a module stores it (little-endian):
  const stdFloatTable = Buffer.from('5ad63b92d653f4ee', 'hex');
  for (const p of app.filter((p) => p.endsWith('.wasm'))) {
    const at = fs.readFileSync(path.join(dist, p)).indexOf(stdFloatTable);
    assert.equal(at, -1, `${p} holds std's float parser's table (str::parse::<f64>)`);
  }
});
