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
});
