// Shared set-up of the browser tests: the built dist/ served on 127.0.0.1 and headless
// Debian Chromium through playwright-core, started once per test file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const dist = path.join(root, 'dist');
export const fixtures = path.join(root, 'tests/fixtures');
export const artifacts = path.join(here, 'artifacts');
const cli = path.join(root, 'target/release/crm-kpi');

let browser;
/** The static server; `server.requests` lists every path asked for. */
export let server;

/** The native engine's report for a file, the reference the page must equal. */
export function nativeReport(file, ...args) {
  return JSON.parse(execFileSync(cli, ['analyze', file, '--json', ...args], { encoding: 'utf8' }));
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'dist/ is built (trunk build --release)');
  assert.ok(fs.existsSync(cli), 'target/release/crm-kpi is built');
  fs.mkdirSync(artifacts, { recursive: true });
  server = await serve(dist);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A new browser context (empty storage unless one is passed in). */
export async function newContext(t, { locale = 'en-US' } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1300, height: 900 } });
  t.after(() => context.close());
  return context;
}

/**
 * A page of `context` (or of a fresh one) with the sample loaded; page errors fail the test.
 * After a load the page shows the data's last complete month; most tests compare whole-range
 * figures, so they are switched to the whole range unless `period: 'default'` is asked for.
 * Console errors matching a pattern of `allow` are expected, not failures.
 */
export async function openApp(t, { locale = 'en-US', context, period = 'all', query = '', allow = [] } = {}) {
  const ctx = context ?? (await newContext(t, { locale }));
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // `allow`: patterns of console errors a test provokes on purpose (a fetch made offline).
  page.on('console', (m) => { if (m.type() === 'error' && !allow.some((a) => a.test(m.text()))) errors.push(m.text()); });
  t.after(() => assert.deepEqual(errors, [], 'no page errors'));
  await page.goto(server.url + query);
  await page.waitForSelector('#kpi-cards');
  if (period === 'all') await wholeRange(page);
  return page;
}

/** Switch the period to the whole range and wait for its report. */
export async function wholeRange(page) {
  await settled(page);
  if ((await page.locator('#period').inputValue()) !== 'all') {
    await page.selectOption('#period', 'all');
    await page.waitForFunction(() => document.querySelector('#period')?.value === 'all'
      && document.querySelector('main')?.getAttribute('aria-busy') === 'false');
  }
}

export const cardValue = (page, id) => page.locator(`[data-kpi="${id}"] .value`).textContent();
export const cardIds = (page) => page.locator('#kpi-cards [data-kpi]').evaluateAll((els) => els.map((e) => e.dataset.kpi));
// The page is settled when no request is outstanding and the report answers the options shown.
export const settled = (page) => page.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false');
/** Wait until the load status names `text`, then (unless told otherwise) take the whole range. */
export async function waitStatus(page, text, { period = 'all' } = {}) {
  await page.waitForFunction((t) => document.querySelector('#load-status')?.textContent.includes(t), text);
  if (period === 'all') await wholeRange(page);
}
